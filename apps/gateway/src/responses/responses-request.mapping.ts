import type { ChatMessage, GenerationRequest, SamplingParams } from '@gateway/inference';

import { MAX_OUTPUT_TOKENS } from '../openai/dto/openai-sampling.dto';
import { inputText } from './dto/response-input.validator';
import type { ResponsesRequestDto } from './dto/responses-request.dto';
import type { TextFormat } from './dto/text-format.validator';

/** `instructions` become the first system message; `developer` items are system instructions too. */
export function toResponsesGenerationRequest(body: ResponsesRequestDto, model: string): GenerationRequest {
  const messages: ChatMessage[] = [];
  if (body.instructions) {
    messages.push({ role: 'system', content: body.instructions });
  }
  if (typeof body.input === 'string') {
    messages.push({ role: 'user', content: body.input });
  } else {
    for (const item of body.input) {
      messages.push({
        role: item.role === 'developer' ? 'system' : item.role,
        content: inputText(item.content),
      });
    }
  }
  return {
    model,
    input: { kind: 'chat', messages },
    params: {
      maxTokens: body.max_output_tokens ?? MAX_OUTPUT_TOKENS,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      format: toFormat(body.text?.format),
    },
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
