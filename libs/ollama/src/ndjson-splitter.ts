import { protocolError } from './upstream-detail';

const NEWLINE = 0x0a;

/**
 * Cuts a byte stream into NDJSON lines, refusing any line longer than `maxLineBytes`. Each byte is
 * scanned once and a line split across chunks is joined once, so the cost stays linear however the
 * upstream slices its output; UTF-8 characters split across chunks are decoded whole.
 */
export class NdjsonSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** The complete lines in `chunk` (with whatever was pending before it), blank lines left out. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      this.checkLength(this.pendingBytes + newline - start);
      const line =
        this.pendingBytes === 0
          ? chunk.toString('utf8', start, newline)
          : Buffer.concat([...this.pending, chunk.subarray(start, newline)]).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      if (line.trim() !== '') {
        lines.push(line);
      }
      start = newline + 1;
    }
    if (start < chunk.length) {
      this.checkLength(this.pendingBytes + chunk.length - start);
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
    return lines;
  }

  /** The last line when the stream ended without a final newline. */
  end(): string | undefined {
    const rest = Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    return rest.trim() === '' ? undefined : rest;
  }

  private checkLength(bytes: number): void {
    if (bytes > this.maxLineBytes) {
      throw protocolError(
        'the inference backend sent a malformed stream',
        `an NDJSON line exceeded ${this.maxLineBytes} bytes`,
      );
    }
  }
}
