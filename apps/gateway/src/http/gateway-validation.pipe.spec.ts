import 'reflect-metadata';

import { BadRequestException, ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';

import { EmbeddingsRequestDto } from '../embeddings/dto/embeddings-request.dto';
import { GenerateRequestDto } from '../generate/dto/generate-request.dto';
import { OllamaChatRequestDto } from '../ollama-api/dto/ollama-chat-request.dto';
import {
  OllamaEmbedRequestDto,
  OllamaEmbeddingsRequestDto,
} from '../ollama-api/dto/ollama-embed-request.dto';
import { OllamaGenerateRequestDto } from '../ollama-api/dto/ollama-generate-request.dto';
import { OllamaShowRequestDto } from '../ollama-api/dto/ollama-show-request.dto';
import { ChatCompletionRequestDto } from '../openai/dto/chat-completion-request.dto';
import { CompletionRequestDto } from '../openai/dto/completion-request.dto';
import { ResponsesRequestDto } from '../responses/dto/responses-request.dto';
import { GATEWAY_VALIDATION_OPTIONS, GatewayValidationPipe } from './gateway-validation.pipe';

/** Nest's own pipe with the same options: the reference every answer is compared with. */
const reference = new ValidationPipe(GATEWAY_VALIDATION_OPTIONS);

const tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** One realistic body per DTO, as clients send them; mutations of each are derived below. */
const bodies: Array<[Type<object>, Record<string, unknown>]> = [
  [
    GenerateRequestDto,
    { prompt: 'Explain Kubernetes', max_tokens: 64, temperature: 0.2, top_p: 0.5, stream: true },
  ],
  [
    ChatCompletionRequestDto,
    {
      model: 'qwen2.5:0.5b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      max_tokens: 64,
      temperature: 0.5,
      stream: false,
      tools: [tool],
      tool_choice: 'auto',
    },
  ],
  [CompletionRequestDto, { model: 'qwen2.5:0.5b', prompt: 'Once upon a time', max_tokens: 16, stop: ['\n'] }],
  [EmbeddingsRequestDto, { model: 'nomic-embed-text', input: ['a', 'b'], encoding_format: 'float' }],
  [
    OllamaChatRequestDto,
    {
      model: 'qwen2.5:0.5b',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }],
        },
        { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
      ],
      options: { temperature: 0.1, num_predict: 32, stop: ['x'] },
      stream: false,
      format: 'json',
      tools: [tool],
    },
  ],
  [
    OllamaGenerateRequestDto,
    { model: 'qwen2.5:0.5b', prompt: 'hi', options: { num_predict: 8 }, keep_alive: '5m' },
  ],
  [OllamaEmbedRequestDto, { model: 'nomic-embed-text', input: 'hello', truncate: true }],
  [OllamaEmbeddingsRequestDto, { model: 'nomic-embed-text', prompt: 'hello' }],
  [OllamaShowRequestDto, { model: 'qwen2.5:0.5b', verbose: false }],
  [
    ResponsesRequestDto,
    {
      model: 'qwen2.5:0.5b',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      instructions: 'Be brief.',
      max_output_tokens: 32,
      text: { format: { type: 'text' } },
      tools: [{ type: 'function', name: 'get_weather', parameters: tool.function.parameters }],
      store: false,
    },
  ],
];

const replacements: unknown[] = [null, '', 'x', 0, -1, 1.5, 1e9, true, [], {}, ['x'], [1], { a: 1 }];

/** The body, and for every field down to three levels: without it, replaced, and with a stranger. */
function mutations(body: unknown, depth = 0): unknown[] {
  if (depth > 3 || typeof body !== 'object' || body === null) {
    return [];
  }
  const out: unknown[] = [];
  const entries = Object.entries(body);
  const rebuild = (key: string, value: unknown, remove = false): unknown => {
    if (Array.isArray(body)) {
      const copy = [...(body as unknown[])];
      if (remove) {
        copy.splice(Number(key), 1);
      } else {
        copy[Number(key)] = value;
      }
      return copy;
    }
    const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    if (remove) {
      delete copy[key];
    } else {
      copy[key] = value;
    }
    return copy;
  };
  if (!Array.isArray(body)) {
    out.push({ ...body, unexpected_field: 1 });
  }
  for (const [key, value] of entries) {
    out.push(rebuild(key, undefined, true));
    for (const replacement of replacements) {
      out.push(rebuild(key, replacement));
    }
    for (const inner of mutations(value, depth + 1)) {
      out.push(rebuild(key, inner));
    }
  }
  return out;
}

/** The body with one field, at any depth, replaced by a value of another JSON type, for each field. */
function wrongTypes(body: unknown, depth = 0): Array<{ path: string; variant: unknown }> {
  if (depth > 3 || typeof body !== 'object' || body === null) {
    return [];
  }
  // A string becomes a number; a number, a boolean, a list or an object becomes a string.
  const other = (value: unknown): unknown => (typeof value === 'string' ? 12345 : 'text');
  const out: Array<{ path: string; variant: unknown }> = [];
  for (const [key, value] of Object.entries(body)) {
    const rebuild = (replacement: unknown): unknown =>
      Array.isArray(body)
        ? (body as unknown[]).map((item, index) => (String(index) === key ? replacement : item))
        : { ...(body as Record<string, unknown>), [key]: replacement };
    if (value !== null) {
      out.push({ path: key, variant: rebuild(other(value)) });
    }
    for (const inner of wrongTypes(value, depth + 1)) {
      out.push({ path: `${key}.${inner.path}`, variant: rebuild(inner.variant) });
    }
  }
  return out;
}

type Outcome = { ok: true; value: unknown; type: unknown } | { ok: false; response: unknown };

async function outcome(pipe: ValidationPipe, body: unknown, metatype: Type<object>): Promise<Outcome> {
  const metadata: ArgumentMetadata = { type: 'body', metatype };
  try {
    const value = (await pipe.transform(structuredClone(body), metadata)) as object;
    return { ok: true, value, type: value.constructor };
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return { ok: false, response: (error as BadRequestException).getResponse() };
  }
}

describe('GatewayValidationPipe', () => {
  it.each(bodies.map(([dto, body]) => [dto.name, dto, body] as const))(
    'answers every variant of a %s body exactly as ValidationPipe does',
    async (_name, dto, body) => {
      const variants = [body, ...mutations(body)];
      let accepted = 0;
      for (const variant of variants) {
        const fast = await outcome(new GatewayValidationPipe(), variant, dto);
        const slow = await outcome(reference, variant, dto);
        expect({ variant, outcome: fast }).toStrictEqual({ variant, outcome: slow });
        accepted += fast.ok ? 1 : 0;
      }
      // Both answers occur: the corpus exercises acceptance and rejection alike.
      expect(accepted).toBeGreaterThan(0);
      expect(accepted).toBeLessThan(variants.length);
    },
  );

  it.each(bodies.map(([dto, body]) => [dto.name, dto, body] as const))(
    'accepts a valid %s body without falling back to ValidationPipe',
    async (_name, dto, body) => {
      const fallback = jest.spyOn(ValidationPipe.prototype, 'transform');
      try {
        const result = await new GatewayValidationPipe().transform(structuredClone(body), {
          type: 'body',
          metatype: dto,
        });
        expect(result).toBeInstanceOf(dto);
        expect(fallback).not.toHaveBeenCalled();
      } finally {
        fallback.mockRestore();
      }
    },
  );

  it.each(bodies.map(([dto, body]) => [dto.name, dto, body] as const))(
    'reports a %s field of the wrong type as such, not as out of range, too long or empty',
    async (_name, dto, body) => {
      const misleading =
        /(greater|less|shorter|longer) than|must contain (no more|at least)|should not be empty/;
      const reported: Array<{ path: string; message: string }> = [];
      for (const { path, variant } of wrongTypes(body)) {
        const result = await outcome(new GatewayValidationPipe(), variant, dto);
        if (!result.ok) {
          const { message } = result.response as { message: string | string[] };
          reported.push({ path, message: ([] as string[]).concat(message).join('; ') });
        }
      }
      expect(reported.length).toBeGreaterThan(0);
      expect(reported.filter(({ message }) => misleading.test(message))).toEqual([]);
    },
  );

  it('builds the DTO with its defaults from a valid body, as ValidationPipe does', async () => {
    const result = await new GatewayValidationPipe().transform(
      { prompt: 'hi' },
      { type: 'body', metatype: GenerateRequestDto },
    );
    expect(result).toBeInstanceOf(GenerateRequestDto);
    expect(result).toEqual(Object.assign(new GenerateRequestDto(), { prompt: 'hi' }));
  });

  it('never lets a __proto__ key of a body change the prototype of the DTO', async () => {
    const body = JSON.parse('{"prompt":"hi","__proto__":{"polluted":true}}') as object;
    const result = (await new GatewayValidationPipe().transform(body, {
      type: 'body',
      metatype: GenerateRequestDto,
    })) as Record<string, unknown>;
    expect(result).toBeInstanceOf(GenerateRequestDto);
    expect(result.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a body that is not an object like ValidationPipe does', async () => {
    for (const body of [null, 'text', 42, [{ prompt: 'hi' }]]) {
      expect(await outcome(new GatewayValidationPipe(), body, GenerateRequestDto)).toEqual(
        await outcome(reference, body, GenerateRequestDto),
      );
    }
  });
});
