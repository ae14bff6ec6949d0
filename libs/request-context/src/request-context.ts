import type { IncomingMessage } from 'node:http';

import type { RequestOutcome } from '@gateway/errors';

import type { RequestTrace } from './request-trace';

/** Who is calling, once authenticated, and what they may do. */
export interface Caller {
  /** Key id from the keys file, or `jwt:<subject>`; never secret, safe to log and to use as a label. */
  id: string;
  /** Requests and tokens per minute; 0 means unlimited. */
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** Generations this caller may run at once; 0 means unlimited. */
  concurrency: number;
  /** Public model ids this caller may use; undefined means every model. */
  models?: string[];
}

/** Which error shape and SSE dialect a route speaks. */
export type ApiFamily = 'gateway' | 'openai' | 'ollama';

/** Tokens held against a caller's per-minute budget until the request ends. */
export interface TokenReservation {
  callerId: string;
  /** The limiter's window the tokens were taken from. */
  window: number;
  /** What was reserved: the input estimate plus the most the request may generate. */
  tokens: number;
  /** The input part of `tokens`, charged when a stream is cut before the backend reports usage. */
  inputEstimate: number;
}

/**
 * Everything the pipeline learns about one request, in one typed object. It is created once at entry
 * (RequestEntryMiddleware) and held on the request (see `contextOf`); who writes and who reads each
 * field is listed in docs/architecture.md. Plain fields: it is allocated on every request.
 */
export class RequestContext {
  /** performance.now() at entry. */
  readonly startedAt = performance.now();
  /** Route label for metrics (the matched path, or `unmatched`). Set by RouteContextGuard. */
  route = 'unmatched';
  /** Error shape and dialect. Set by RouteContextGuard from route metadata (path fallback for 404s). */
  api: ApiFamily = 'gateway';
  /** Counted as API work in flight (not a probe or a scrape). Set by RouteContextGuard. */
  tracked = false;
  /** The authenticated caller; undefined when authentication is off or the route is public. */
  caller?: Caller;
  /** Public model id, once admission resolved it. */
  model?: string;
  /** Set by admission when per-key token limits apply; settled by the end-of-request step. */
  reservation?: TokenReservation;
  /** Usage the backend reported, summed over the request's generations. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Text deltas relayed so far: what a cut stream consumed when the backend never reported usage. */
  streamedTokens = 0;
  /** Milliseconds spent waiting for a backend slot. */
  queueMs = 0;
  /** Milliseconds spent inside the backend (from the call to its last event). */
  upstreamMs = 0;
  /** Milliseconds from entry to the first token, when there was one. */
  ttftMs?: number;
  /** performance.now() when the first generation was handed to the backend router. */
  upstreamStartedAt?: number;
  /**
   * performance.now() when a whole (non-streamed) answer was handed to the socket: its Server-Timing
   * and the overhead metric both count up to here, so they agree.
   */
  answeredAt?: number;
  /** The request's trace; undefined when tracing is off. Set at entry. */
  trace?: RequestTrace;
  /** How the request ended, when the status code alone cannot tell (set from the error catalogue). */
  outcome?: RequestOutcome;
  /** Work to undo once the request has ended (leases, slots), run by the end-of-request step. */
  readonly releases: Array<() => void> = [];
  /** The client went away before its response was complete. Set by the entry step. */
  clientLeft = false;
  /** What stops work for the client when it leaves (see `onClientGone`); most requests never need one. */
  private leaveListeners?: Set<() => void>;

  constructor(readonly requestId: string) {}

  /**
   * Runs `listener` once if the client goes away before its response is complete, or at once if it
   * already has; returns what unregisters it. A plain callback rather than an AbortSignal: one less
   * event target per generation.
   */
  onClientGone(listener: () => void): () => void {
    if (this.clientLeft) {
      listener();
      return noop;
    }
    this.leaveListeners ??= new Set();
    this.leaveListeners.add(listener);
    return () => this.leaveListeners?.delete(listener);
  }

  /** The response closed before it was complete: runs the listeners once. */
  clientGone(): void {
    if (this.clientLeft) {
      return;
    }
    this.clientLeft = true;
    const listeners = this.leaveListeners;
    this.leaveListeners = undefined;
    listeners?.forEach((listener) => listener());
  }
}

function noop(): void {}

const CONTEXT = Symbol('request context');

type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

export function attachContext(req: IncomingMessage, context: RequestContext): void {
  (req as WithContext)[CONTEXT] = context;
}

/** The context of a request that passed the entry middleware (every request does). */
export function contextOf(req: IncomingMessage): RequestContext {
  const context = (req as WithContext)[CONTEXT];
  if (context === undefined) {
    throw new Error('request has no context: is RequestEntryMiddleware installed?');
  }
  return context;
}

/** For code that may also run outside a request (error filter on a raw server error). */
export function maybeContextOf(req: IncomingMessage): RequestContext | undefined {
  return (req as WithContext)[CONTEXT];
}
