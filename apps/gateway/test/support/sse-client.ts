/** One parsed Server-Sent Event, or a comment line (heartbeat). */
export interface ParsedEvent {
  event?: string;
  data?: string;
  comment?: string;
}

/** Splits an SSE body into events per the spec's framing (blank line ends an event). */
export function parseSse(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') {
      continue;
    }
    const parsed: ParsedEvent = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        parsed.comment = line.slice(1).trim();
      } else if (line.startsWith('event: ')) {
        parsed.event = line.slice('event: '.length);
      } else if (line.startsWith('data: ')) {
        parsed.data = parsed.data === undefined ? line.slice(6) : `${parsed.data}\n${line.slice(6)}`;
      }
    }
    events.push(parsed);
  }
  return events;
}

/** Reads a streaming response chunk by chunk, recording when each SSE event arrived. */
export async function readEvents(res: Response): Promise<Array<ParsedEvent & { receivedAt: number }>> {
  const out: Array<ParsedEvent & { receivedAt: number }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const end = buffer.lastIndexOf('\n\n');
    if (end >= 0) {
      const receivedAt = Date.now();
      out.push(...parseSse(buffer.slice(0, end + 2)).map((e) => ({ ...e, receivedAt })));
      buffer = buffer.slice(end + 2);
    }
  }
  out.push(...parseSse(buffer).map((e) => ({ ...e, receivedAt: Date.now() })));
  return out;
}

/** The JSON payloads of the events named `name`. */
export function dataOf(events: ParsedEvent[], name?: string): unknown[] {
  return events
    .filter((e) => e.data !== undefined && e.event === name)
    .map((e) => JSON.parse(e.data as string) as unknown);
}
