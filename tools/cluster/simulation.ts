import { RedisServer } from '../../apps/gateway/test/support/redis-server';
import {
  spawnGateway,
  waitForHealth,
  type GatewayProcess,
} from '../../apps/gateway/test/support/gateway-process';
import { OllamaTier, SIM_MODEL } from './ollama-tier';
import { RoundRobinFront } from './round-robin-front';
import { StreamLoad, type PhaseStats } from './stream-load';

export interface SimulationProfile {
  gateways: number;
  /** Parallel generations per Ollama pod (OLLAMA_NUM_PARALLEL), also each gateway's MAX_INFLIGHT. */
  slots: number;
  clients: number;
  /** How long each phase runs under load. */
  phaseMs: number;
  /** Tokens per answer and the delay between them: a stream lasts about tokens x delay. */
  tokens: number;
  interTokenDelayMs: number;
}

export const SHORT_PROFILE: SimulationProfile = {
  gateways: 2,
  slots: 2,
  clients: 8,
  phaseMs: 4_000,
  tokens: 10,
  interTokenDelayMs: 80,
};

export const LONG_PROFILE: SimulationProfile = {
  gateways: 3,
  slots: 2,
  clients: 24,
  phaseMs: 20_000,
  tokens: 40,
  interTokenDelayMs: 100,
};

export interface SimulationReport {
  profile: SimulationProfile;
  phases: PhaseStats[];
  /** Peak generations open at once per Ollama address. */
  peaks: Map<string, number>;
  /** Connections the front lost because the SIGKILLed gateway died under them (unavoidable). */
  lostToKilledGateway: number;
  /** Streams Ollama pods still had when their grace period ran out (the gateway ends them in-band). */
  cutByOllamaStop: number;
}

const DISCOVERY_INTERVAL_MS = 250;
const POD_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];

/**
 * The whole tier on one machine: fake Ollama pods in DNS, gateway processes sharing one Redis, a
 * round-robin front, and steady streaming load while the tier scales up and down, loses a gateway to
 * SIGKILL and rolls every Ollama pod.
 */
export async function runSimulation(
  profile: SimulationProfile,
  log: (line: string) => void = () => undefined,
): Promise<SimulationReport> {
  const streamMs = profile.tokens * profile.interTokenDelayMs;
  const tier = new OllamaTier(
    profile.slots,
    {
      kind: 'tokens',
      tokens: Array.from({ length: profile.tokens }, () => ' tok'),
      interTokenDelayMs: profile.interTokenDelayMs,
    },
    streamMs * 10,
    DISCOVERY_INTERVAL_MS * 3,
  );
  const redis = new RedisServer();
  const gateways: GatewayProcess[] = [];
  let front: RoundRobinFront | undefined;
  let load: StreamLoad | undefined;
  try {
    await tier.start(POD_ADDRESSES.slice(0, 2));
    await redis.start();
    log(`starting ${profile.gateways} gateways`);
    const env = gatewayEnv(profile, tier, redis.url);
    gateways.push(...(await Promise.all(Array.from({ length: profile.gateways }, () => spawnGateway(env)))));
    await Promise.all(gateways.map((gateway) => waitForHealth(gateway, 120_000)));
    front = new RoundRobinFront(gateways.map((gateway) => gateway.baseUrl));
    load = new StreamLoad(await front.start(), SIM_MODEL, profile.clients);
    // Requests count in the phase in which they end; a phase's action runs at its start.
    const phase = async (name: string, action: () => Promise<unknown>): Promise<void> => {
      log(`phase: ${name}`);
      load!.enter(name);
      await action();
      await sleep(profile.phaseMs);
    };
    let cutByOllamaStop = 0;
    load.enter('steady (2 pods)');
    load.start();
    await sleep(profile.phaseMs);
    await phase('scale up to 3 pods', () => tier.addPod(POD_ADDRESSES[2]));
    await phase(
      'scale down to 2 pods',
      async () => (cutByOllamaStop += await tier.removePod(POD_ADDRESSES[0])),
    );
    const killed = gateways[0];
    await phase('SIGKILL one gateway', async () => {
      killed.child.kill('SIGKILL');
      await killed.exited;
    });
    await phase('roll every pod', async () => {
      for (const address of tier.addresses()) {
        cutByOllamaStop += await tier.removePod(address);
        await tier.addPod(address);
      }
    });
    await load.stop();
    return {
      profile,
      phases: load.phases,
      peaks: tier.peaks(),
      lostToKilledGateway: front.lost.get(killed.baseUrl) ?? 0,
      cutByOllamaStop,
    };
  } finally {
    await load?.stop();
    await front?.stop();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await redis.stop();
    await tier.stop();
  }
}

function gatewayEnv(profile: SimulationProfile, tier: OllamaTier, redisUrl: string): Record<string, string> {
  return {
    INFERENCE_BACKEND: 'ollama',
    MODEL_NAME: SIM_MODEL,
    OLLAMA_DISCOVERY: tier.discovery,
    OLLAMA_DISCOVERY_DNS_SERVER: tier.dns.server,
    OLLAMA_DISCOVERY_INTERVAL_MS: String(DISCOVERY_INTERVAL_MS),
    MAX_INFLIGHT: String(profile.slots),
    MAX_QUEUE: String(profile.clients),
    MAX_QUEUE_WAIT_MS: '3000',
    REDIS_URL: redisUrl,
    RATE_LIMIT_RPM: '0',
    RATE_LIMIT_TPM: '0',
    DRAIN_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'warn',
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
