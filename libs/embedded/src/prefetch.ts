/**
 * Pulls `source` as fast as it produces and buffers for the consumer, so that the engine decodes the
 * next token (on its own thread) while the gateway is still handling the previous one. Without this,
 * a pull-based token generator waits for every HTTP write before it starts the next decode.
 * When the consumer stops early, the source is closed (its `finally` runs) before this one finishes.
 * Values that piled up while the consumer was busy are merged by `coalesce` when it returns one, so a
 * slow consumer gets fewer, larger items instead of falling further behind.
 */
export async function* prefetch<T, R>(
  source: AsyncGenerator<T, R>,
  coalesce: (a: T, b: T) => T | undefined = () => undefined,
): AsyncGenerator<T, R> {
  const buffered: Array<IteratorResult<T, R>> = [];
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  const pump = (async () => {
    try {
      while (!stopped) {
        const next = await source.next();
        buffered.push(next);
        wake?.();
        if (next.done) {
          return;
        }
      }
      await source.return(undefined as R);
    } catch (error) {
      failure = { error };
      wake?.();
    }
  })();
  try {
    while (true) {
      if (buffered.length === 0 && !failure) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const next = buffered.shift();
      if (next?.done) {
        return next.value;
      }
      if (next) {
        yield mergeBuffered(next.value, buffered, coalesce);
      } else if (failure) {
        throw failure.error;
      }
    }
  } finally {
    stopped = true;
    await pump;
  }
}

function mergeBuffered<T, R>(
  first: T,
  buffered: Array<IteratorResult<T, R>>,
  coalesce: (a: T, b: T) => T | undefined,
): T {
  let value = first;
  while (buffered.length > 0 && !buffered[0].done) {
    const merged = coalesce(value, buffered[0].value);
    if (merged === undefined) {
      break;
    }
    value = merged;
    buffered.shift();
  }
  return value;
}
