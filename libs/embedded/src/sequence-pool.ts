import { GenerationCancelledError, InferenceError } from '@gateway/inference';

interface Waiter<T> {
  resolve: (item: T) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort: () => void;
}

/**
 * Hands out a fixed set of items (context sequences) one request at a time, in arrival order.
 * A request waiting for an item can be aborted; an item is handed on only after `release`.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  get waiting(): number {
    return this.waiters.length;
  }

  get available(): number {
    return this.free.length;
  }

  acquire(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) {
      return Promise.reject(abortError(signal));
    }
    const item = this.free.shift();
    if (item !== undefined) {
      return Promise.resolve(item);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(abortError(signal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  release(item: T): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.free.push(item);
      return;
    }
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    waiter.resolve(item);
  }

  /** Fails every waiting request (shutdown). */
  rejectWaiting(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }
}

export function abortError(signal?: AbortSignal): InferenceError {
  const reason: unknown = signal?.reason;
  return reason instanceof InferenceError
    ? reason
    : new GenerationCancelledError('the request was cancelled', { cause: reason });
}
