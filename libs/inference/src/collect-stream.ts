import { UpstreamProtocolError } from './inference.errors';
import type { GenerationEvent, GenerationResult } from './inference.types';
import type { ToolCall } from './tools.types';

/** Drains a generation stream into its final result; a stream without `done` is a protocol failure. */
export async function collectStream(events: AsyncIterable<GenerationEvent>): Promise<GenerationResult> {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for await (const event of events) {
    if (event.type === 'delta') {
      text += event.text;
    } else if (event.type === 'tool_call') {
      toolCalls.push(event.call);
    } else {
      return toolCalls.length > 0 ? { ...event.result, text, toolCalls } : { ...event.result, text };
    }
  }
  throw new UpstreamProtocolError('the inference stream ended before it reported completion');
}
