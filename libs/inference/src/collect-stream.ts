import { UpstreamProtocolError } from './inference.errors';
import type { GenerationEvent, GenerationResult } from './inference.types';
import type { ToolCall } from './tools.types';

/** Joins a generation's events into its final result, one event at a time. */
export class ResultCollector {
  private text = '';
  private readonly toolCalls: ToolCall[] = [];

  /** The final result once `done` arrives; undefined before. */
  add(event: GenerationEvent): GenerationResult | undefined {
    if (event.type === 'delta') {
      this.text += event.text;
    } else if (event.type === 'tool_call') {
      this.toolCalls.push(event.call);
    } else {
      const { text, toolCalls } = this;
      return toolCalls.length > 0 ? { ...event.result, text, toolCalls } : { ...event.result, text };
    }
    return undefined;
  }
}

/** Drains a generation stream into its final result; a stream without `done` is a protocol failure. */
export async function collectStream(events: AsyncIterable<GenerationEvent>): Promise<GenerationResult> {
  const collector = new ResultCollector();
  for await (const event of events) {
    const result = collector.add(event);
    if (result) {
      return result;
    }
  }
  throw new UpstreamProtocolError('the inference stream ended before it reported completion');
}
