import type { GatewayMetrics } from '@gateway/metrics';
import type { Response } from 'express';

/**
 * Writes one NDJSON response (`application/x-ndjson`, one JSON object per line), as Ollama streams:
 * unbuffered headers, one flushed write per object, and the streams-in-flight gauge while it is open.
 */
export class NdjsonWriter {
  constructor(
    private readonly res: Response,
    private readonly route: string,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Sends the 200 and the headers that keep proxies from buffering or compressing the stream. */
  open(): void {
    const { res } = this;
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.removeHeader('Content-Length');
    res.removeHeader('Content-Encoding');
    res.flushHeaders();
    this.metrics.streamsInFlight.inc({ route: this.route });
    res.once('close', () => this.metrics.streamsInFlight.dec({ route: this.route }));
  }

  /** Writes one line; waits while the client's socket buffer is full, so a slow reader slows the source. */
  async send(line: object): Promise<void> {
    if (this.closed) {
      return;
    }
    if (!this.res.write(`${JSON.stringify(line)}\n`)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.once('drain', done);
        this.res.once('close', done);
      });
    }
  }

  end(): void {
    if (!this.res.writableEnded) {
      this.res.end();
    }
  }

  /** The client went away or the response already ended: nothing more can be written. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }
}
