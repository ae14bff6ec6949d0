/**
 * Gateway settings of the benchmarks: as the image and the manifests run it (NODE_ENV=production, so no
 * API reference routes in front of the API), with auth, rate limits and load shedding off, so that only
 * the request path is measured.
 */
export const GATEWAY_BENCH_ENV = {
  NODE_ENV: 'production',
  AUTH_MODE: 'none',
  RATE_LIMIT_RPM: '0',
  RATE_LIMIT_TPM: '0',
  MAX_INFLIGHT: '1024',
  MAX_QUEUE: '1024',
};
