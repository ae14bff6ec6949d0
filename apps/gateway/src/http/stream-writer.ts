import type { GatewayMetrics } from '@gateway/metrics';
import type { Response } from 'express';

/**
 * What every streamed response shares, whatever its format: unbuffered headers, one flushed write per
 * message with backpressure, and the streams-in-flight gauge while the response is open.
 */
export abstract class StreamWriter {
  constructor(
    protected readonly res: Response,
    private readonly route: string,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** The stream format's headers besides the common ones (`Content-Type` at least). */
  protected abstract readonly headers: Readonly<Record<string, string>>;

  /** Sends the 200 and the headers that keep proxies from buffering or compressing the stream. */
  open(): void {
    const { res } = this;
    res.status(200);
    for (const [name, value] of Object.entries(this.headers)) {
      res.setHeader(name, value);
    }
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.removeHeader('Content-Length');
    res.removeHeader('Content-Encoding');
    res.flushHeaders();
    this.metrics.streamsInFlight.inc({ route: this.route });
    res.once('close', () => {
      this.onClose();
      this.metrics.streamsInFlight.dec({ route: this.route });
    });
  }

  end(): void {
    this.onClose();
    if (!this.res.writableEnded) {
      this.res.end();
    }
  }

  /** The client went away or the response already ended: nothing more can be written. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Writes one message; waits while the client's socket buffer is full, so a slow reader slows the source. */
  protected async write(text: string): Promise<void> {
    if (this.closed || this.res.write(text)) {
      return;
    }
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

  /** Called once the stream can no longer be written (end or client gone). */
  protected onClose(): void {}
}
