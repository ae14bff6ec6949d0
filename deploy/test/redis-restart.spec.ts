import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { GatewayProcess } from '../../apps/gateway/test/support/gateway-process';
import { freePort } from '../../test/fixtures/free-port';
import { ensureBuilt, startGateway } from './support/gateway-process';
import { DEPLOY_DIR, find, gatewayConfigMap, render } from './support/render';
import { allContainers, podTemplate } from './support/workloads';

const DEV_API_KEY = 'dev-local-key-not-a-secret';
const RPM = 4;

/** redis-server with exactly the arguments of the Redis component, the password expanded as the kubelet does. */
function redisArgs(password: string): string[] {
  const redis = allContainers(
    podTemplate(find(render('deploy/overlays/prod'), 'Deployment', 'llm-redis')).spec,
  )[0];
  return (redis as unknown as { args: string[] }).args.map((arg) =>
    arg.replace('$(REDIS_PASSWORD)', password),
  );
}

async function startRedis(port: number, password: string, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [...redisArgs(password), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    { stdio: 'ignore' },
  );
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const ping = spawn('redis-cli', ['-p', String(port), 'ping'], {
      env: { ...process.env, REDISCLI_AUTH: password },
    });
    let out = '';
    ping.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await once(ping, 'exit');
    if (out.trim() === 'PONG') {
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not answer PONG with the password');
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

/** Any answer but the limiter's 429: the call was let through. */
const ADMITTED = 0;

describe('the rate limiter against the Redis component, across a Redis restart', () => {
  const password = randomBytes(32).toString('hex');
  let dir: string;
  let port: number;
  let redis: ChildProcess | undefined;
  let gateway: GatewayProcess | undefined;

  /**
   * One generation request; per-key limits count the requests that generate. Nothing listens at
   * OLLAMA_HOST, so an admitted call ends in 503 and only the limiter answers 429.
   */
  const call = async (): Promise<number> => {
    const res = await fetch(`${gateway?.baseUrl}/v1/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi', max_tokens: 1 }),
    });
    await res.arrayBuffer();
    return res.status === 429 ? 429 : ADMITTED;
  };

  const storeErrors = async (): Promise<number> => {
    const text = await (await fetch(`${gateway?.baseUrl}/metrics`)).text();
    return Number(/^llm_gateway_rate_limit_store_errors_total (\S+)$/m.exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redis-restart-'));
    port = await freePort();
    redis = await startRedis(port, password, dir);
    const configMap = gatewayConfigMap(render('deploy/overlays/dev'));
    // The dev overlay's configuration, pointed at this Redis with a small limit.
    gateway = await startGateway(
      ensureBuilt(),
      {
        ...configMap,
        REDIS_URL: `redis://:${password}@127.0.0.1:${port}`,
        RATE_LIMIT_RPM: String(RPM),
        RATE_LIMIT_TPM: '0',
        RATE_LIMIT_FAIL_MODE: 'open',
        RATE_LIMIT_REDIS_TIMEOUT_MS: '250',
        OLLAMA_HOST: 'http://127.0.0.1:9',
        UPSTREAM_RETRIES: '0',
      },
      join(DEPLOY_DIR, 'overlays/dev/api-keys.dev.json'),
    );
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    if (redis) {
      await stopRedis(redis);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('limits with the password-protected Redis, fails open while it is gone, and limits again once it is back', async () => {
    // 0. The component's arguments make Redis refuse clients without the password.
    const anonymous = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
    expect(anonymous.stdout).toContain('NOAUTH');

    // 1. Redis up: RPM calls pass, the next is refused.
    const first: number[] = [];
    for (let i = 0; i <= RPM; i += 1) {
      first.push(await call());
    }
    expect(first).toEqual([...Array<number>(RPM).fill(ADMITTED), 429]);
    expect(await storeErrors()).toBe(0);

    // 2. Redis killed: calls go through (fail open) and every failed check is counted.
    await stopRedis(redis as ChildProcess);
    const during: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      during.push(await call());
    }
    expect(during).toEqual([ADMITTED, ADMITTED, ADMITTED]);
    expect(await storeErrors()).toBeGreaterThanOrEqual(3);

    // 3. Redis restarted (empty, same password): the limiter reconnects and enforces again.
    redis = await startRedis(port, password, dir);
    const deadline = Date.now() + 20_000;
    const after: number[] = [];
    while (Date.now() < deadline && !after.includes(429)) {
      after.push(await call());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(after).toContain(429);
    const errorsOnceBack = await storeErrors();
    for (let i = 0; i < 3; i += 1) {
      expect(await call()).toBe(429);
    }
    expect(await storeErrors()).toBe(errorsOnceBack);
  }, 60_000);
});
