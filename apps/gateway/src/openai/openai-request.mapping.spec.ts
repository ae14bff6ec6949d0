import 'reflect-metadata';

import type { ChatCompletionRequestDto } from './dto/chat-completion-request.dto';
import type { CompletionRequestDto } from './dto/completion-request.dto';
import { MAX_OUTPUT_TOKENS } from './dto/openai-sampling.dto';
import { OpenAiParamError } from './openai-param.error';
import { toChatGenerationRequest, toCompletionGenerationRequest } from './openai-request.mapping';

const chat = (fields: Partial<ChatCompletionRequestDto>): ChatCompletionRequestDto => ({
  model: 'm',
  messages: [{ role: 'user', content: 'hi' }],
  ...fields,
});

describe('OpenAI requests mapped onto a GenerationRequest', () => {
  it('renders developer messages as system and joins text parts', () => {
    const request = toChatGenerationRequest(
      chat({
        messages: [
          { role: 'developer', content: 'rules' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
      'backend:latest',
    );
    expect(request.model).toBe('backend:latest');
    expect(request.input).toEqual({
      kind: 'chat',
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'a\nb' },
      ],
    });
  });

  it('maps sampling fields, a single stop string and the token limit', () => {
    const { params } = toChatGenerationRequest(
      chat({
        max_completion_tokens: 40,
        temperature: 0,
        top_p: 0.3,
        seed: 1,
        stop: 'END',
        presence_penalty: 1,
        frequency_penalty: -1,
      }),
      'b',
    );
    expect(params).toEqual({
      maxTokens: 40,
      temperature: 0,
      topP: 0.3,
      seed: 1,
      stop: ['END'],
      presencePenalty: 1,
      frequencyPenalty: -1,
      format: undefined,
    });
  });

  it('caps a chat without a token limit at the gateway maximum', () => {
    expect(toChatGenerationRequest(chat({}), 'b').params.maxTokens).toBe(MAX_OUTPUT_TOKENS);
    expect(toChatGenerationRequest(chat({ max_tokens: 9 }), 'b').params.maxTokens).toBe(9);
  });

  it('rejects max_tokens and max_completion_tokens that disagree, naming the field', () => {
    const map = () => toChatGenerationRequest(chat({ max_tokens: 5, max_completion_tokens: 6 }), 'b');
    expect(map).toThrow(OpenAiParamError);
    expect(map).toThrow(expect.objectContaining({ code: 'invalid_value', param: 'max_tokens' }));
  });

  it('turns response_format into the backend format: json, a schema, or nothing', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const format = (response_format: ChatCompletionRequestDto['response_format']) =>
      toChatGenerationRequest(chat({ response_format }), 'b').params.format;
    expect(format({ type: 'json_object' })).toBe('json');
    expect(format({ type: 'json_schema', json_schema: { name: 'n', schema } })).toEqual(schema);
    expect(format({ type: 'text' })).toBeUndefined();
  });

  it('treats explicit nulls as "not set" rather than passing them to the backend', () => {
    const nulls = {
      temperature: null,
      top_p: null,
      seed: null,
      stop: null,
      presence_penalty: null,
      frequency_penalty: null,
      max_tokens: null,
      max_completion_tokens: null,
      response_format: null,
    } as unknown as Partial<ChatCompletionRequestDto>;
    expect(toChatGenerationRequest(chat(nulls), 'b').params).toEqual({ maxTokens: MAX_OUTPUT_TOKENS });
    const completion = { model: 'm', prompt: 'p', max_tokens: null } as unknown as CompletionRequestDto;
    expect(toCompletionGenerationRequest(completion, 'b').params.maxTokens).toBe(16);
  });

  it('takes the one prompt of a completion, given as a string or a list', () => {
    const body = { model: 'm', prompt: ['only'], max_tokens: 16 } as CompletionRequestDto;
    expect(toCompletionGenerationRequest(body, 'b')).toMatchObject({
      input: { kind: 'prompt', prompt: 'only' },
      params: { maxTokens: 16 },
    });
  });
});
