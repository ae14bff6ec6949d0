import { prefetch } from './prefetch';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('prefetch', () => {
  it('passes every value and the return value through, in order', async () => {
    async function* source(): AsyncGenerator<number, string> {
      yield 1;
      await tick();
      yield 2;
      return 'done';
    }
    const seen: number[] = [];
    const iterator = prefetch(source());
    let next = await iterator.next();
    while (!next.done) {
      seen.push(next.value);
      next = await iterator.next();
    }
    expect(seen).toEqual([1, 2]);
    expect(next.value).toBe('done');
  });

  it('keeps pulling the source while the consumer is busy', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<number, void> {
      for (let i = 0; i < 3; i += 1) {
        produced += 1;
        yield i;
        await tick();
      }
    }
    const iterator = prefetch(source());
    await iterator.next();
    for (let i = 0; i < 5; i += 1) {
      await tick();
    }
    expect(produced).toBe(3);
    await iterator.return();
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number, void> {
      try {
        for (let i = 0; ; i += 1) {
          yield i;
          await tick();
        }
      } finally {
        closed = true;
      }
    }
    const iterator = prefetch(source());
    await iterator.next();
    await iterator.return();
    expect(closed).toBe(true);
  });

  it('merges values that piled up while the consumer was busy, when asked to', async () => {
    async function* source(): AsyncGenerator<string, number> {
      for (const piece of ['a', 'b', 'c']) {
        await tick();
        yield piece;
      }
      return 3;
    }
    const iterator = prefetch(source(), (a, b) => a + b);
    expect(await iterator.next()).toEqual({ value: 'a', done: false });
    for (let i = 0; i < 5; i += 1) {
      await tick();
    }
    expect(await iterator.next()).toEqual({ value: 'bc', done: false });
    expect(await iterator.next()).toEqual({ value: 3, done: true });
  });

  it('delivers the values produced before a failure, then the failure', async () => {
    async function* source(): AsyncGenerator<number, void> {
      yield 1;
      await tick();
      throw new Error('engine failed');
    }
    const iterator = prefetch(source());
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    await expect(iterator.next()).rejects.toThrow('engine failed');
  });
});
