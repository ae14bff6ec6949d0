import type { EmbeddingInput, EmbeddingResult } from '@gateway/inference';

import type { EmbeddingsRequestDto } from './dto/embeddings-request.dto';

/** A validated `input` as texts or token lists (one token list when the input is a flat list of ids). */
export function toEmbeddingInput(input: EmbeddingsRequestDto['input']): EmbeddingInput {
  if (typeof input === 'string') {
    return { kind: 'text', texts: [input] };
  }
  if (input.every((item) => typeof item === 'string')) {
    return { kind: 'text', texts: input };
  }
  if (input.every((item) => typeof item === 'number')) {
    return { kind: 'tokens', tokens: [input] };
  }
  return { kind: 'tokens', tokens: input };
}

export function inputCount(input: EmbeddingInput): number {
  return input.kind === 'text' ? input.texts.length : input.tokens.length;
}

/** OpenAI's `base64`: the little-endian float32 bytes of the vector. */
export function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

export function toOpenAiEmbeddings(
  result: EmbeddingResult,
  model: string,
  format: 'float' | 'base64',
): object {
  return {
    object: 'list',
    data: result.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? toBase64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  };
}
