import { randomBytes } from 'node:crypto';

import type { GenerationResult, ToolCall } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import type { ResponsesRequestDto } from './dto/responses-request.dto';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs: [];
}

/** Ids in OpenAI's style (`resp_…`, `msg_…`, `fc_…`). */
export function newItemId(prefix: 'resp' | 'msg' | 'fc'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/**
 * One response being answered: its id, what the request asked for (echoed as OpenAI does), and the
 * response object in each state. Nothing is stored, so `store` is always false.
 */
export class ResponseDraft {
  readonly id = newItemId('resp');
  readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly body: ResponsesRequestDto,
    /** The public model id the caller asked for. */
    private readonly model: string,
  ) {}

  /** Before any output: the object `response.created` and `response.in_progress` carry. */
  inProgress(): object {
    return this.object('in_progress', [], null);
  }

  /** The finished response: completed, or incomplete when the token limit cut it. */
  finished(result: GenerationResult, output: object[]): object {
    const status = finalStatus(result);
    return {
      ...this.object(status, output, usageOf(result)),
      ...(status === 'incomplete' ? { incomplete_details: { reason: 'max_output_tokens' } } : {}),
    };
  }

  /** A whole (non-streamed) answer: its text as one message, then one item per function call. */
  whole(result: GenerationResult): object {
    const calls = result.toolCalls ?? [];
    const status = finalStatus(result);
    const message =
      result.text !== '' || calls.length === 0 ? [messageItem(newItemId('msg'), status, result.text)] : [];
    return this.finished(result, [
      ...message,
      ...calls.map((call) => functionCallItem(newItemId('fc'), call, 'completed')),
    ]);
  }

  failed(error: ApiError, output: object[]): object {
    return { ...this.object('failed', output, null), error: { code: error.code, message: error.message } };
  }

  private object(status: ResponseStatus, output: object[], usage: object | null): object {
    const { body } = this;
    return {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      max_tool_calls: body.max_tool_calls ?? null,
      model: this.model,
      output,
      parallel_tool_calls: body.parallel_tool_calls ?? true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: 'default',
      store: false,
      temperature: body.temperature ?? null,
      text: { format: body.text?.format ?? { type: 'text' }, verbosity: 'medium' },
      tool_choice: body.tool_choice ?? 'auto',
      tools: (body.tools ?? []).map((tool) => ({
        type: 'function',
        name: tool.name,
        description: tool.description ?? null,
        parameters: tool.parameters ?? null,
        strict: tool.strict ?? null,
      })),
      top_logprobs: 0,
      top_p: body.top_p ?? null,
      truncation: 'disabled',
      usage,
      user: body.user ?? null,
      metadata: body.metadata ?? {},
    };
  }
}

/** An assistant message item; `text` undefined while it has no content part yet. */
export function messageItem(id: string, status: ResponseStatus, text?: string): object {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: text === undefined ? [] : [outputText(text)],
  };
}

export function functionCallItem(
  id: string,
  call: ToolCall,
  status: ResponseStatus,
  args = call.arguments,
): object {
  return { id, type: 'function_call', status, arguments: args, call_id: call.id, name: call.name };
}

export function outputText(text: string): OutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** `incomplete` only when the backend says the token limit ended the output. */
export function finalStatus(result: GenerationResult): 'completed' | 'incomplete' {
  return result.finishReason === 'length' ? 'incomplete' : 'completed';
}

function usageOf(result: GenerationResult): object {
  const { promptTokens, completionTokens } = result.usage;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: promptTokens + completionTokens,
  };
}
