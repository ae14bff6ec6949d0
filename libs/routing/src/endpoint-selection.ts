import type { UpstreamEndpoint } from './upstream-endpoint';

/**
 * Least loaded first (in-flight over its limit); among equally loaded endpoints, round-robin, so that
 * idle endpoints share the work and a recovered one gets traffic again.
 */
export class LeastLoadedSelector {
  private turn = 0;

  pick(endpoints: readonly UpstreamEndpoint[]): UpstreamEndpoint | undefined {
    if (endpoints.length === 0) {
      return undefined;
    }
    const lowest = Math.min(...endpoints.map((endpoint) => endpoint.load));
    const tied = endpoints.filter((endpoint) => endpoint.load === lowest);
    this.turn = (this.turn + 1) % Number.MAX_SAFE_INTEGER;
    return tied[this.turn % tied.length];
  }
}
