import { StreamWriter } from '../http/stream-writer';

/** Writes one NDJSON response (`application/x-ndjson`, one JSON object per line), as Ollama streams. */
export class NdjsonWriter extends StreamWriter {
  protected readonly headers = { 'Content-Type': 'application/x-ndjson' };

  send(line: object): Promise<void> {
    return this.write(`${JSON.stringify(line)}\n`);
  }
}
