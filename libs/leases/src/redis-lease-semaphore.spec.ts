import Redis from 'ioredis';

import { freePort } from '../../../test/fixtures/free-port';
import { RedisServer } from '../../../apps/gateway/test/support/redis-server';
import { ACQUIRE_LEASE_SCRIPT } from './lease-scripts';
import { LeaseStoreError } from './lease-semaphore';
import { RedisLeaseSemaphore } from './redis-lease-semaphore';

const LEASE_MS = 1_000;

describe('RedisLeaseSemaphore against a real redis-server', () => {
  const redis = new RedisServer();
  const opened: RedisLeaseSemaphore[] = [];

  const replica = async (): Promise<RedisLeaseSemaphore> => {
    const semaphore = new RedisLeaseSemaphore({ url: redis.url, leaseMs: LEASE_MS, commandTimeoutMs: 500 });
    await semaphore.onModuleInit();
    opened.push(semaphore);
    return semaphore;
  };

  beforeAll(async () => {
    await redis.start();
  });

  afterAll(async () => {
    await Promise.all(opened.map((semaphore) => semaphore.onApplicationShutdown()));
    await redis.stop();
  });

  it('holds one limit for every replica, and a release frees the slot for another', async () => {
    const [first, second] = [await replica(), await replica()];
    const held = [
      await first.tryAcquire('shared', 3),
      await second.tryAcquire('shared', 3),
      await first.tryAcquire('shared', 3),
    ];
    expect(held.every((slot) => slot !== undefined)).toBe(true);
    await expect(second.tryAcquire('shared', 3)).resolves.toBeUndefined();
    held[0]?.release();
    held[0]?.release();
    await eventually(async () => expect(await second.tryAcquire('shared', 3)).toBeDefined());
    await expect(first.tryAcquire('shared', 3)).resolves.toBeUndefined();
  });

  it('keeps renewing a held slot past its lease', async () => {
    const [holder, other] = [await replica(), await replica()];
    const slot = await holder.tryAcquire('renewed', 1);
    expect(slot).toBeDefined();
    await sleep(LEASE_MS * 2.5);
    await expect(other.tryAcquire('renewed', 1)).resolves.toBeUndefined();
    slot?.release();
    await eventually(async () => expect(await other.tryAcquire('renewed', 1)).toBeDefined());
  });

  it('frees the slots of a holder that stopped renewing (a killed process) once their lease has run out', async () => {
    // A holder that took both slots with the same script and then died: nobody renews them.
    const dead = new Redis(redis.url);
    const key = 'llm-gateway:lease:{orphaned}';
    await dead.eval(ACQUIRE_LEASE_SCRIPT, 1, key, 2, LEASE_MS, 'dead-process:1');
    await dead.eval(ACQUIRE_LEASE_SCRIPT, 1, key, 2, LEASE_MS, 'dead-process:2');
    dead.disconnect();
    const survivor = await replica();
    await expect(survivor.tryAcquire('orphaned', 2)).resolves.toBeUndefined();
    const deadline = Date.now() + LEASE_MS + 500;
    await eventually(async () => expect(await survivor.tryAcquire('orphaned', 2)).toBeDefined());
    expect(Date.now()).toBeLessThanOrEqual(deadline);
  });

  it('rejects with LeaseStoreError when Redis cannot be reached', async () => {
    const unreachable = new RedisLeaseSemaphore({
      url: `redis://127.0.0.1:${await freePort()}`,
      leaseMs: LEASE_MS,
      commandTimeoutMs: 200,
    });
    await unreachable.onModuleInit();
    try {
      await expect(unreachable.tryAcquire('any', 1)).rejects.toBeInstanceOf(LeaseStoreError);
    } finally {
      await unreachable.onApplicationShutdown();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function eventually(check: () => Promise<void>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await sleep(20);
    }
  }
}
