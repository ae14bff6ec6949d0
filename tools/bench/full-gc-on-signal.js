// Preloaded into the gateway by `bench:memory` when BENCH_LIVE_HEAP=1 (with `--expose-gc`): every
// SIGWINCH runs a full garbage collection, so that the heap in use read just after it is what the
// gateway really holds, without the garbage that waits for the next major collection. Plain JavaScript,
// so that no TypeScript compiler is loaded into the heap it measures. SIGWINCH because the gateway's
// shutdown hooks own SIGUSR2 and SIGUSR1 starts the inspector.
'use strict';

process.on('SIGWINCH', () => globalThis.gc?.());
