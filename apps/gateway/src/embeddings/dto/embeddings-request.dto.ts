import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

import { ValidateByProblem } from '../../openai/dto/openai-validators';

/** Longest text one input may be, in characters (the context bounds it further, in tokens). */
export const MAX_INPUT_CHARS = 1_000_000;
const MAX_TOKEN_ID = 2 ** 31 - 1;

/** Body of POST /v1/embeddings, in OpenAI's names. */
export class EmbeddingsRequestDto {
  @IsNotEmpty()
  @MaxLength(256)
  @IsString()
  model!: string;

  /** A string, a list of strings, a list of token ids, or a list of token-id lists. */
  @ValidateByProblem('isEmbeddingInput', 'input', inputProblem)
  input!: string | string[] | number[] | number[][];

  @IsOptional()
  @IsIn(['float', 'base64'], { message: 'encoding_format must be "float" or "base64"' })
  encoding_format?: 'float' | 'base64';

  @IsOptional()
  @Min(1)
  @Max(65_536)
  @IsInt()
  dimensions?: number;

  /** An end-user id for the caller's own tracking; it does not change the output. */
  @IsOptional()
  @MaxLength(256)
  @IsString()
  user?: string;
}

export function inputProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value === '' ? 'must not be empty' : textProblem(value);
  }
  if (!Array.isArray(value) || value.length === 0) {
    return 'must be a string, a list of strings, a list of token ids or a list of token-id lists (not empty)';
  }
  if (value.every((item) => typeof item === 'string')) {
    return value
      .map((item) => (item === '' ? 'must not hold empty strings' : textProblem(item)))
      .find(Boolean);
  }
  if (value.every(isTokenId)) {
    return undefined;
  }
  if (value.every((item) => Array.isArray(item) && item.length > 0 && item.every(isTokenId))) {
    return undefined;
  }
  return 'must be a string, a list of strings, a list of token ids or a list of non-empty token-id lists';
}

function textProblem(text: string): string | undefined {
  return text.length > MAX_INPUT_CHARS ? `texts must be at most ${MAX_INPUT_CHARS} characters` : undefined;
}

function isTokenId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_ID;
}
