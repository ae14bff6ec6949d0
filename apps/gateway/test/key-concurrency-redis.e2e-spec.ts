import { FakeOllama, slowStream } from '../../../test/fixtures/fake-ollama';
import { KeysFileFixture, newApiKey } from './support/api-keys';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { RedisServer } from './support/redis-server';
import { until } from './support/until';

const MODEL = 'qwen2.5:0.5b';
const LEASE_MS = 2_000;

async function chatStream(baseUrl: string, key: string): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Count' }], stream: true }),
  });
  await res.text();
  return res.status;
}

describe('per-key concurrency held across two gateway processes through one redis-server', () => {
  const redis = new RedisServer();
  const keysFile = new KeysFileFixture();
  const shared = newApiKey({ id: 'shared-three', concurrency: 3, rpm: 0, tpm: 0 });
  const victim = newApiKey({ id: 'killed-holder', concurrency: 2, rpm: 0, tpm: 0 });
  let ollama: FakeOllama;
  let first: GatewayProcess;
  let second: GatewayProcess;

  beforeAll(async () => {
    await redis.start();
    ollama = await new FakeOllama({ models: [MODEL] }).start();
    keysFile.write([shared.entry, victim.entry]);
    const env = {
      INFERENCE_BACKEND: 'ollama',
      OLLAMA_HOST: ollama.url,
      AUTH_MODE: 'keys',
      API_KEYS_FILE: keysFile.path,
      REDIS_URL: redis.url,
      SLOT_LEASE_MS: String(LEASE_MS),
      MAX_INFLIGHT: '32',
      // A cold process on a loaded machine can stall past the 250 ms default, and then fails open.
      RATE_LIMIT_REDIS_TIMEOUT_MS: '3000',
    };
    [first, second] = await Promise.all([
      startGatewayProcess(env, { timeoutMs: 90_000 }),
      startGatewayProcess(env, { timeoutMs: 90_000 }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await ollama?.stop();
    await redis.stop();
    keysFile.remove();
  });

  it('lets exactly the key concurrency through across both processes', async () => {
    ollama.always(slowStream(20, 100));
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => chatStream((i % 2 === 0 ? first : second).baseUrl, shared.key)),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
    expect(ollama.maxConcurrentGenerations).toBe(3);
  });

  it("frees a SIGKILLed process's slots within the lease, and not before the other replica sees them held", async () => {
    ollama.always(slowStream(600, 100));
    const held = [chatStream(first.baseUrl, victim.key), chatStream(first.baseUrl, victim.key)];
    await until(() => ollama.activeGenerations === 2, 10_000);
    ollama.always(slowStream(2, 10));
    expect(await chatStream(second.baseUrl, victim.key)).toBe(429);

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    await Promise.allSettled(held);
    // Its connections are gone at once, but its slots stay held until their lease runs out.
    expect(await chatStream(second.baseUrl, victim.key)).toBe(429);
    let status = 429;
    while (status === 429 && Date.now() - killedAt < LEASE_MS + 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await chatStream(second.baseUrl, victim.key);
    }
    const freedAfter = Date.now() - killedAt;
    expect(status).toBe(200);
    // The lease plus a generous margin for a loaded machine (renewals run every third of a lease).
    expect(freedAfter).toBeLessThanOrEqual(LEASE_MS + 1_500);
  });
});
