import type { RequestContext } from '@gateway/request-context';

/**
 * `Server-Timing` values, in milliseconds, from the same figures as the metrics: `gateway` is the
 * overhead metric's "total minus upstream" as of the moment the headers go out, `queue` the wait for
 * a backend slot (part of `upstream`), `upstream` the time inside the backend, `ttft` the time from
 * arrival to the first token.
 */
export const SERVER_TIMING_HEADER = 'Server-Timing';

/** A whole answer: everything is known when its headers are sent. */
export function completedTiming(ctx: RequestContext, now = performance.now()): string {
  const gateway = Math.max(0, now - ctx.startedAt - ctx.upstreamMs);
  return `gateway;dur=${ms(gateway)}, queue;dur=${ms(ctx.queueMs)}, upstream;dur=${ms(ctx.upstreamMs)}`;
}

/**
 * A stream commits its headers at its first event (or at the first heartbeat when that is slow), so
 * it carries what is known then: `gateway` (the time before the backend call, the only overhead so
 * far), and once the first event has arrived `queue` and, when that event was a token, `ttft`. The
 * backend's total time is not known yet; the access log and the metrics have it.
 */
export function streamCommitTiming(ctx: RequestContext, firstEventArrived: boolean): string {
  const parts: string[] = [];
  if (ctx.upstreamStartedAt !== undefined) {
    parts.push(`gateway;dur=${ms(ctx.upstreamStartedAt - ctx.startedAt)}`);
  }
  if (firstEventArrived) {
    parts.push(`queue;dur=${ms(ctx.queueMs)}`);
    if (ctx.ttftMs !== undefined) {
      parts.push(`ttft;dur=${ms(ctx.ttftMs)}`);
    }
  }
  return parts.join(', ');
}

function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}
