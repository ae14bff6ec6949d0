import { MemoryLeaseSemaphore } from './memory-lease-semaphore';

describe('MemoryLeaseSemaphore', () => {
  it('grants up to the limit per name, and a released slot can be taken again', async () => {
    const semaphore = new MemoryLeaseSemaphore();
    const held = [await semaphore.tryAcquire('key:a', 2), await semaphore.tryAcquire('key:a', 2)];
    expect(held.every((slot) => slot !== undefined)).toBe(true);
    await expect(semaphore.tryAcquire('key:a', 2)).resolves.toBeUndefined();
    await expect(semaphore.tryAcquire('key:b', 2)).resolves.toBeDefined();
    held[0]?.release();
    await expect(semaphore.tryAcquire('key:a', 2)).resolves.toBeDefined();
  });

  it('frees a slot once however many times it is released', async () => {
    const semaphore = new MemoryLeaseSemaphore();
    const first = await semaphore.tryAcquire('x', 2);
    await semaphore.tryAcquire('x', 2);
    first?.release();
    first?.release();
    expect(semaphore.holders('x')).toBe(1);
  });
});
