import { GatewayError } from '@gateway/errors';
import type { GenerationResult } from '@gateway/inference';

import { toApiError } from '../http/error-mapping';
import type { SseFrame } from '../http/sse-dialect';
import type { ResponsesRequestDto } from './dto/responses-request.dto';
import { ResponseDraft } from './responses-response.mapping';
import { ResponsesSseDialect } from './responses-sse.dialect';

const body: ResponsesRequestDto = { model: 'm', input: 'hi' };
const result = (finishReason: 'stop' | 'length'): GenerationResult => ({
  model: 'm',
  text: '',
  finishReason,
  usage: { promptTokens: 3, completionTokens: 2 },
  timings: {},
});

interface ParsedFrame {
  event?: string;
  type: string;
  sequence_number: number;
}

const parsed = (frames: SseFrame[]): ParsedFrame[] =>
  frames.map((frame) => ({ event: frame.event, ...(JSON.parse(frame.data) as Omit<ParsedFrame, 'event'>) }));

describe('the Responses stream', () => {
  it('opens the response once, then deltas, then closes the item and ends with one terminal event', () => {
    const dialect = new ResponsesSseDialect(new ResponseDraft(body, 'm'));
    const frames = parsed([
      ...dialect.framesFor({ type: 'delta', text: 'a' }),
      ...dialect.framesFor({ type: 'delta', text: 'b' }),
      ...dialect.framesFor({ type: 'done', result: result('stop') }),
      ...dialect.closingFrames(),
    ]);
    expect(frames.map((f) => f.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(frames.every((f) => f.event === f.type)).toBe(true);
    expect(frames.map((f) => f.sequence_number)).toEqual(frames.map((_, i) => i));
    expect(frames[6]).toMatchObject({ text: 'ab' });
    expect(frames[9]).toMatchObject({ response: { status: 'completed', usage: { total_tokens: 5 } } });
  });

  it('an answer with no text still opens and closes its message item', () => {
    const dialect = new ResponsesSseDialect(new ResponseDraft(body, 'm'));
    const types = parsed(dialect.framesFor({ type: 'done', result: result('length') })).map((f) => f.type);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
  });

  it('a failure before any token (after a heartbeat-started 200) still begins with response.created', () => {
    const dialect = new ResponsesSseDialect(new ResponseDraft(body, 'm'));
    const error = toApiError(new GatewayError('upstream_timeout', 'too slow'));
    const frames = parsed([dialect.errorFrame(error)].flat());
    expect(frames.map((f) => f.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    expect(frames[2]).toMatchObject({
      sequence_number: 2,
      response: { status: 'failed', output: [], error: { code: 'upstream_timeout', message: 'too slow' } },
    });
  });
});
