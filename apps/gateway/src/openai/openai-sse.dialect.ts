import type { FinishReason, GenerationEvent, ToolCall } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import { openAiErrorBody } from '../http/error-body';
import { jsonFrame, type SseDialect, type SseFrame } from '../http/sse-dialect';
import { toOpenAiUsage, type CompletionIdentity } from './openai-response.mapping';
import { toolCallDeltas } from './openai-tools.mapping';

const DONE: SseFrame = { data: '[DONE]' };

/**
 * OpenAI's streaming format: `data: {chunk}` lines, a chunk with the finish reason, a usage chunk with
 * no choices when `stream_options.include_usage` is set, then `data: [DONE]`. A failure ends the
 * stream with `data: {"error": ...}` and no `[DONE]`, which OpenAI's SDKs raise as an APIError.
 */
abstract class OpenAiSseDialect implements SseDialect {
  constructor(
    protected readonly identity: CompletionIdentity,
    private readonly includeUsage: boolean,
  ) {}

  framesFor(event: GenerationEvent): SseFrame[] {
    if (event.type === 'delta') {
      return [this.chunk(this.deltaChoice(event.text))];
    }
    if (event.type === 'tool_call') {
      return this.toolCallChoices(event.call).map((choice) => this.chunk(choice));
    }
    const frames = [this.chunk(this.finishChoice(event.result.finishReason))];
    if (this.includeUsage) {
      frames.push(jsonFrame({ ...this.base(), choices: [], usage: toOpenAiUsage(event.result) }));
    }
    return frames;
  }

  closingFrames(): SseFrame[] {
    return [DONE];
  }

  errorFrame(error: ApiError): SseFrame {
    return jsonFrame(openAiErrorBody(error));
  }

  protected abstract readonly object: string;
  protected abstract deltaChoice(text: string): object;
  protected abstract finishChoice(reason: FinishReason): object;
  protected abstract toolCallChoices(call: ToolCall): object[];

  private chunk(choice: object): SseFrame {
    // With include_usage, OpenAI marks every chunk before the last as carrying no usage.
    return jsonFrame({ ...this.base(), choices: [choice], ...(this.includeUsage ? { usage: null } : {}) });
  }

  private base(): object {
    return {
      id: this.identity.id,
      object: this.object,
      created: this.identity.created,
      model: this.identity.model,
    };
  }
}

export class ChatChunkDialect extends OpenAiSseDialect {
  protected readonly object = 'chat.completion.chunk';
  private roleSent = false;
  private toolCalls = 0;

  protected deltaChoice(text: string): object {
    return this.choice({ content: text });
  }

  protected toolCallChoices(call: ToolCall): object[] {
    const index = this.toolCalls++;
    return toolCallDeltas(index, call).map((delta, i) =>
      this.choice(i === 0 && !this.roleSent ? { content: null, ...delta } : delta),
    );
  }

  private choice(delta: object): object {
    const withRole = this.roleSent ? delta : { role: 'assistant', ...delta };
    this.roleSent = true;
    return { index: 0, delta: withRole, logprobs: null, finish_reason: null };
  }

  protected finishChoice(reason: FinishReason): object {
    const delta = this.roleSent ? {} : { role: 'assistant', content: '' };
    return { index: 0, delta, logprobs: null, finish_reason: reason };
  }
}

export class TextCompletionChunkDialect extends OpenAiSseDialect {
  protected readonly object = 'text_completion';

  protected deltaChoice(text: string): object {
    return { index: 0, text, logprobs: null, finish_reason: null };
  }

  protected finishChoice(reason: FinishReason): object {
    return { index: 0, text: '', logprobs: null, finish_reason: reason };
  }

  protected toolCallChoices(): object[] {
    // Completions carry no tools.
    return [];
  }
}
