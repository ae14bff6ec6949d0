import { UpstreamProtocolError, type GenerationResult } from '@gateway/inference';

import { toApiError } from '../http/error-mapping';
import { ChatChunkDialect, TextCompletionChunkDialect } from './openai-sse.dialect';

const identity = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'm' };
const result: GenerationResult = {
  model: 'm:latest',
  text: '',
  finishReason: 'length',
  usage: { promptTokens: 3, completionTokens: 2 },
  timings: {},
};
const parsed = (frames: Array<{ data: string }>) =>
  frames.map((f) => f.data).map((d) => JSON.parse(d) as unknown);

describe('OpenAI stream chunks', () => {
  it('chat: role on the first delta only, a finish chunk, then [DONE]', () => {
    const dialect = new ChatChunkDialect(identity, false);
    const frames = [
      ...dialect.framesFor({ type: 'delta', text: 'a' }),
      ...dialect.framesFor({ type: 'delta', text: 'b' }),
      ...dialect.framesFor({ type: 'done', result }),
    ];
    expect(parsed(frames)).toEqual([
      expect.objectContaining({
        choices: [expect.objectContaining({ delta: { role: 'assistant', content: 'a' } })],
      }),
      expect.objectContaining({ choices: [expect.objectContaining({ delta: { content: 'b' } })] }),
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: 'm',
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }],
      },
    ]);
    expect(dialect.closingFrames()).toEqual([{ data: '[DONE]' }]);
  });

  it('chat: a stream with no text still says who speaks', () => {
    const dialect = new ChatChunkDialect(identity, false);
    const [finish] = parsed(dialect.framesFor({ type: 'done', result }));
    expect(finish).toMatchObject({ choices: [{ delta: { role: 'assistant', content: '' } }] });
  });

  it('with include_usage: usage null on chunks, then a usage chunk with no choices', () => {
    const dialect = new TextCompletionChunkDialect({ ...identity, id: 'cmpl-1' }, true);
    const [delta] = parsed(dialect.framesFor({ type: 'delta', text: 'x' }));
    expect(delta).toMatchObject({ object: 'text_completion', usage: null, choices: [{ text: 'x' }] });
    const [finish, usage] = parsed(dialect.framesFor({ type: 'done', result }));
    expect(finish).toMatchObject({ choices: [{ text: '', finish_reason: 'length' }], usage: null });
    expect(usage).toEqual({
      id: 'cmpl-1',
      object: 'text_completion',
      created: 1_700_000_000,
      model: 'm',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('a failure is an error object in OpenAI shape, with no event name', () => {
    const frame = new ChatChunkDialect(identity, false).errorFrame(
      toApiError(new UpstreamProtocolError('broken')),
    );
    expect(frame.event).toBeUndefined();
    expect(JSON.parse(frame.data)).toEqual({
      error: { message: 'broken', type: 'api_error', param: null, code: 'upstream_protocol_error' },
    });
  });

  it('chat: tool calls as a naming delta then their arguments, indexed in order, ending with tool_calls', () => {
    const dialect = new ChatChunkDialect(identity, false);
    const call = (id: string) => ({
      type: 'tool_call' as const,
      call: { id, name: 'f', arguments: '{"a":1}' },
    });
    const frames = [
      ...dialect.framesFor(call('call_1')),
      ...dialect.framesFor(call('call_2')),
      ...dialect.framesFor({ type: 'done', result: { ...result, finishReason: 'tool_calls' } }),
    ];
    const deltas = (
      parsed(frames) as Array<{ choices: Array<{ delta: object; finish_reason: string | null }> }>
    ).map((chunk) => chunk.choices[0]);
    expect(deltas.map((choice) => choice.delta)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
      { tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'f', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"a":1}' } }] },
      {},
    ]);
    expect(deltas.at(-1)?.finish_reason).toBe('tool_calls');
  });
});
