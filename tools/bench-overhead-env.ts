/** Gateway settings of the benchmarks: auth, rate limits and load shedding off, so that only the request path is measured. */
export const GATEWAY_BENCH_ENV = {
  AUTH_MODE: 'none',
  RATE_LIMIT_RPM: '0',
  RATE_LIMIT_TPM: '0',
  MAX_INFLIGHT: '1024',
  MAX_QUEUE: '1024',
};
