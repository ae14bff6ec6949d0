import type { GenerationRequest, SamplingParams } from '@gateway/inference';

import { MAX_OUTPUT_TOKENS } from '../openai/dto/openai-sampling.dto';
import type { ResponsesRequestDto } from './dto/responses-request.dto';
import type { TextFormat } from './dto/text-format.validator';
import { toConversation, toResponsesToolUse } from './responses-input.mapping';

/** `instructions` become the first system message; `developer` items are system instructions too. */
export function toResponsesGenerationRequest(body: ResponsesRequestDto, model: string): GenerationRequest {
  const messages = toConversation(body.instructions, body.input);
  const tools = toResponsesToolUse(body);
  return {
    model,
    input: { kind: 'chat', messages },
    params: {
      maxTokens: body.max_output_tokens ?? MAX_OUTPUT_TOKENS,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      format: toFormat(body.text?.format),
    },
    ...(tools ? { tools } : {}),
  };
}

function toFormat(format: TextFormat | undefined): SamplingParams['format'] {
  switch (format?.type) {
    case 'json_object':
      return 'json';
    case 'json_schema':
      return format.schema;
    case 'text':
    case undefined:
      return undefined;
  }
}
