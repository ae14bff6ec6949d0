export const STILL_WAITING = Symbol('still waiting');

/** The promise's value if it settles within `ms`, else STILL_WAITING (a rejection within `ms` rethrows). */
export async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | typeof STILL_WAITING> {
  let timer: NodeJS.Timeout | undefined;
  const waiting = new Promise<typeof STILL_WAITING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_WAITING), ms);
  });
  try {
    return await Promise.race([promise, waiting]);
  } finally {
    clearTimeout(timer);
  }
}
