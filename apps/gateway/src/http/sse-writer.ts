import type { SseFrame } from './sse-dialect';
import { StreamWriter } from './stream-writer';

/** Writes one Server-Sent Events response, with comment heartbeats until the first event. */
export class SseWriter extends StreamWriter {
  protected readonly headers = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    Connection: 'keep-alive',
  };
  private heartbeat?: NodeJS.Timeout;

  /** Comment lines (ignored by SSE parsers) that keep idle-timeout proxies from cutting a slow start. */
  startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (!this.closed) {
        this.res.write(': keep-alive\n\n');
      }
    }, intervalMs);
  }

  send(frame: SseFrame): Promise<void> {
    this.stopHeartbeat();
    return this.write(`${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`);
  }

  protected override onClose(): void {
    this.stopHeartbeat();
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
