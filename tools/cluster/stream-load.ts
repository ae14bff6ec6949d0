import { request as httpRequest } from 'node:http';

export type Outcome = 'served' | 'shed' | 'error_event' | 'failed' | 'cut';

export interface PhaseStats {
  phase: string;
  sent: number;
  served: number;
  shed: number;
  /** Streams that ended with a terminal error event: honest, but not served. */
  errorEvent: number;
  failed: number;
  /** Connections that ended without [DONE] or an error event. */
  cut: number;
  /** 503s without a Retry-After header (must be 0). */
  shedWithoutRetryAfter: number;
  /** Status codes of the failed requests, with how many of each. */
  failedStatuses: Record<string, number>;
}

const COUNTERS: Record<Outcome, keyof PhaseStats> = {
  served: 'served',
  shed: 'shed',
  error_event: 'errorEvent',
  failed: 'failed',
  cut: 'cut',
};

/**
 * Steady streaming load: `clients` loops, each sending one OpenAI chat stream after another through
 * the front, and classifying how each one ended, per phase of the simulation.
 */
export class StreamLoad {
  readonly phases: PhaseStats[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly frontUrl: string,
    private readonly model: string,
    private readonly clients: number,
  ) {}

  /** Requests sent from now on count in `phase`. */
  enter(phase: string): void {
    this.phases.push({
      phase,
      sent: 0,
      served: 0,
      shed: 0,
      errorEvent: 0,
      failed: 0,
      cut: 0,
      shedWithoutRetryAfter: 0,
      failedStatuses: {},
    });
  }

  /** Starts the clients; call `enter` first. */
  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.clients }, () => this.loop());
  }

  /** Stops sending and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const { outcome, retryAfter, status } = await this.once();
      // Counted in the phase in which the request ended: that is what the phase's events did to it.
      const stats = this.phases[this.phases.length - 1];
      stats.sent += 1;
      (stats[COUNTERS[outcome]] as number) += 1;
      if (outcome === 'failed') {
        stats.failedStatuses[String(status)] = (stats.failedStatuses[String(status)] ?? 0) + 1;
      }
      if (outcome === 'shed') {
        stats.shedWithoutRetryAfter += retryAfter === undefined ? 1 : 0;
        // A well-behaved client waits before retrying (shortened to keep the load steady).
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private once(): Promise<{ outcome: Outcome; retryAfter?: string; status?: number }> {
    const body = JSON.stringify({
      model: this.model,
      messages: [{ role: 'user', content: 'Tell me about Kubernetes' }],
      max_tokens: 32,
      stream: true,
    });
    return new Promise((resolve) => {
      const req = httpRequest(
        `${this.frontUrl}/v1/chat/completions`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('aborted', () => resolve({ outcome: 'cut' }));
          res.on('error', () => resolve({ outcome: 'cut' }));
          res.on('end', () => {
            if (res.statusCode === 503) {
              resolve({ outcome: 'shed', retryAfter: res.headers['retry-after'] });
            } else if (res.statusCode !== 200) {
              resolve({ outcome: 'failed', status: res.statusCode });
            } else {
              resolve({ outcome: streamOutcome(text) });
            }
          });
        },
      );
      req.on('error', () => resolve({ outcome: 'cut' }));
      req.end(body);
    });
  }
}

/** How an SSE body ended: OpenAI's [DONE], a terminal error chunk, or neither. */
function streamOutcome(text: string): Outcome {
  const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
  const last = events.at(-1) ?? '';
  if (last === 'data: [DONE]') {
    return 'served';
  }
  return last.startsWith('data: {"error"') ? 'error_event' : 'cut';
}
