import { UpstreamProtocolError } from './inference.errors';
import type { GenerationEvent, GenerationResult } from './inference.types';

/** Drains a generation stream into its final result; a stream without `done` is a protocol failure. */
export async function collectStream(events: AsyncIterable<GenerationEvent>): Promise<GenerationResult> {
  let text = '';
  for await (const event of events) {
    if (event.type === 'delta') {
      text += event.text;
    } else {
      return { ...event.result, text };
    }
  }
  throw new UpstreamProtocolError('the inference stream ended before it reported completion');
}
