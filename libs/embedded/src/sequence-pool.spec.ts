import { GenerationCancelledError, UpstreamTimeoutError } from '@gateway/inference';
import { SequencePool } from './sequence-pool';

describe('SequencePool', () => {
  it('hands out free items at once, then serves waiters in arrival order', async () => {
    const pool = new SequencePool(['a']);
    expect(await pool.acquire()).toBe('a');
    const order: string[] = [];
    const first = pool.acquire().then((item) => order.push(`first:${item}`));
    const second = pool.acquire().then((item) => order.push(`second:${item}`));
    expect(pool.waiting).toBe(2);
    pool.release('a');
    await first;
    pool.release('a');
    await second;
    expect(order).toEqual(['first:a', 'second:a']);
    expect(pool.available).toBe(0);
  });

  it('drops an aborted waiter from the queue and rejects it with the abort reason', async () => {
    const pool = new SequencePool(['a']);
    await pool.acquire();
    const controller = new AbortController();
    const aborted = pool.acquire(controller.signal);
    const next = pool.acquire();
    controller.abort(new UpstreamTimeoutError('first_token', 5));
    await expect(aborted).rejects.toBeInstanceOf(UpstreamTimeoutError);
    pool.release('a');
    await expect(next).resolves.toBe('a');
    expect(pool.waiting).toBe(0);
  });

  it('refuses an already aborted request and returns released items to the free list', async () => {
    const pool = new SequencePool(['a', 'b']);
    const controller = new AbortController();
    controller.abort();
    await expect(pool.acquire(controller.signal)).rejects.toBeInstanceOf(GenerationCancelledError);
    expect(pool.available).toBe(2);
  });

  it('fails every waiter on shutdown', async () => {
    const pool = new SequencePool<string>([]);
    const waiting = pool.acquire();
    pool.rejectWaiting(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
