import 'reflect-metadata';

import { MAX_OUTPUT_TOKENS } from '../openai/dto/openai-sampling.dto';
import type { OllamaChatRequestDto } from './dto/ollama-chat-request.dto';
import type { OllamaGenerateRequestDto } from './dto/ollama-generate-request.dto';
import { OllamaParamError } from './ollama-param.error';
import { toOllamaChatGenerationRequest, toOllamaGenerateGenerationRequest } from './ollama-request.mapping';

const chat = (fields: Partial<OllamaChatRequestDto>): OllamaChatRequestDto => ({
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});

describe('Ollama requests mapped onto a GenerationRequest', () => {
  it('maps options onto sampling parameters, in the gateway names', () => {
    const { params } = toOllamaChatGenerationRequest(
      chat({
        options: {
          num_predict: 12,
          temperature: 0.1,
          top_p: 0.2,
          seed: 3,
          stop: ['', 'END'],
          presence_penalty: 1,
          top_k: 0,
          min_p: 0.1,
          repeat_penalty: 1.1,
          repeat_last_n: 64,
        },
        format: 'json',
      }),
      'b',
      undefined,
    );
    expect(params).toEqual({
      maxTokens: 12,
      temperature: 0.1,
      topP: 0.2,
      seed: 3,
      stop: ['END'],
      presencePenalty: 1,
      frequencyPenalty: undefined,
      topK: 0,
      minP: 0.1,
      repeatPenalty: 1.1,
      repeatLastN: 64,
      format: 'json',
    });
  });

  it.each([undefined, -1, -2, 0])('num_predict %p means "until the model stops", capped', (num_predict) => {
    const { params } = toOllamaChatGenerationRequest(chat({ options: { num_predict } }), 'b', undefined);
    expect(params.maxTokens).toBe(MAX_OUTPUT_TOKENS);
  });

  it('an empty format means none', () => {
    expect(toOllamaChatGenerationRequest(chat({ format: '' }), 'b', undefined).params.format).toBeUndefined();
  });

  it('num_ctx above the model context is a 400 naming options.num_ctx; within it, it is accepted', () => {
    const over = () => toOllamaChatGenerationRequest(chat({ options: { num_ctx: 4097 } }), 'b', 4096);
    expect(over).toThrow(OllamaParamError);
    expect(over).toThrow(expect.objectContaining({ code: 'invalid_value', param: 'options.num_ctx' }));
    expect(() =>
      toOllamaChatGenerationRequest(chat({ options: { num_ctx: 4096 } }), 'b', 4096),
    ).not.toThrow();
  });

  it('a generate prompt becomes a templated conversation, with its system text first', () => {
    const body: OllamaGenerateRequestDto = { model: 'm', prompt: 'Why?', system: 'Be brief.' };
    expect(toOllamaGenerateGenerationRequest(body, 'b:latest', undefined)).toMatchObject({
      model: 'b:latest',
      input: {
        kind: 'chat',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Why?' },
        ],
      },
    });
  });

  it('tool calls get ids, and each tool result answers the earliest open call of its function', () => {
    const request = toOllamaChatGenerationRequest(
      chat({
        tools: [{ type: 'function', function: { name: 'a' } }],
        messages: [
          { role: 'user', content: 'go' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [
              { function: { name: 'a', arguments: { x: 1 } } },
              { function: { name: 'b', arguments: {} }, id: 'kept' },
            ],
          },
          { role: 'tool', content: 'B', tool_name: 'b' },
          { role: 'tool', content: 'A' },
        ],
      }),
      'b',
      undefined,
    );
    const messages = request.input.kind === 'chat' ? request.input.messages : [];
    const [callA, callB] = messages[1].toolCalls ?? [];
    expect(callA).toEqual({ id: expect.stringMatching(/^call_/), name: 'a', arguments: '{"x":1}' });
    expect(callB).toEqual({ id: 'kept', name: 'b', arguments: '{}' });
    expect(messages[2]).toEqual({ role: 'tool', content: 'B', toolCallId: 'kept', toolName: 'b' });
    expect(messages[3]).toEqual({ role: 'tool', content: 'A', toolCallId: callA.id, toolName: 'a' });
    expect(request.tools).toMatchObject({ definitions: [{ name: 'a' }], choice: { type: 'auto' } });
  });

  it('a tool result with no open call is a 400 naming the message', () => {
    const map = () =>
      toOllamaChatGenerationRequest(chat({ messages: [{ role: 'tool', content: 'x' }] }), 'b', undefined);
    expect(map).toThrow(expect.objectContaining({ code: 'invalid_value', param: 'messages[0]' }));
  });
});
