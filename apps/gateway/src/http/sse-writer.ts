import type { GatewayMetrics } from '@gateway/metrics';
import type { Response } from 'express';

import type { SseFrame } from './sse-dialect';

/**
 * Writes one Server-Sent Events response: unbuffered headers, one flushed write per event, comment
 * heartbeats until the first event, and the streams-in-flight gauge while the response is open.
 */
export class SseWriter {
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly res: Response,
    private readonly route: string,
    private readonly metrics: GatewayMetrics,
  ) {}

  /** Sends the 200 and the headers that keep proxies from buffering or compressing the stream. */
  open(): void {
    const { res } = this;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.removeHeader('Content-Length');
    res.removeHeader('Content-Encoding');
    res.flushHeaders();
    this.metrics.streamsInFlight.inc({ route: this.route });
    res.once('close', () => {
      this.stopHeartbeat();
      this.metrics.streamsInFlight.dec({ route: this.route });
    });
  }

  /** Comment lines (ignored by SSE parsers) that keep idle-timeout proxies from cutting a slow start. */
  startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.closed) {
        this.res.write(': keep-alive\n\n');
      }
    }, intervalMs);
  }

  /** Writes one event; waits while the client's socket buffer is full, so a slow reader slows the source. */
  async send(frame: SseFrame): Promise<void> {
    this.stopHeartbeat();
    if (this.closed) {
      return;
    }
    const text = `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`;
    if (!this.res.write(text)) {
      await this.drainedOrClosed();
    }
  }

  end(): void {
    this.stopHeartbeat();
    if (!this.res.writableEnded) {
      this.res.end();
    }
  }

  /** The client went away or the response already ended: nothing more can be written. */
  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private drainedOrClosed(): Promise<void> {
    return new Promise((resolve) => {
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
