import type { GenerationEvent, GenerationResult, ToolCall } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import { jsonFrame, type SseDialect, type SseFrame } from '../http/sse-dialect';
import {
  finalStatus,
  functionCallItem,
  messageItem,
  newItemId,
  outputText,
  type ResponseDraft,
  type ResponseStatus,
} from './responses-response.mapping';

interface OpenMessage {
  id: string;
  index: number;
  text: string;
}

/**
 * The Responses API's stream: `event: <type>` frames whose data carries `type` and an increasing
 * `sequence_number`. response.created and response.in_progress open it; a text answer is one message
 * item (output_item.added, content_part.added, output_text.delta..., output_text.done,
 * content_part.done, output_item.done); each function call is one function_call item (output_item.added,
 * function_call_arguments.delta, function_call_arguments.done, output_item.done); one terminal
 * response.completed, response.incomplete or response.failed ends it. There is no `[DONE]`.
 */
export class ResponsesSseDialect implements SseDialect {
  private sequence = 0;
  private opened = false;
  private message?: OpenMessage;
  /** Finished output items, in order. */
  private readonly output: object[] = [];

  constructor(private readonly draft: ResponseDraft) {}

  framesFor(event: GenerationEvent): SseFrame[] {
    const frames = this.opening();
    switch (event.type) {
      case 'delta':
        frames.push(...this.textDelta(event.text));
        break;
      case 'tool_call':
        frames.push(...this.closeMessage('completed'), ...this.functionCall(event.call));
        break;
      case 'done':
        frames.push(...this.finish(event.result));
        break;
    }
    return frames;
  }

  closingFrames(): SseFrame[] {
    return [];
  }

  /** A failure after the 200: whatever opening the client has not seen yet, then response.failed. */
  errorFrame(error: ApiError): SseFrame[] {
    const frames = this.opening();
    const partial = this.message ? [messageItem(this.message.id, 'incomplete', this.message.text)] : [];
    frames.push(
      this.frame('response.failed', { response: this.draft.failed(error, [...this.output, ...partial]) }),
    );
    return frames;
  }

  private opening(): SseFrame[] {
    if (this.opened) {
      return [];
    }
    this.opened = true;
    const response = this.draft.inProgress();
    return [this.frame('response.created', { response }), this.frame('response.in_progress', { response })];
  }

  private textDelta(delta: string): SseFrame[] {
    const frames: SseFrame[] = [];
    if (!this.message) {
      frames.push(...this.openMessage());
    }
    const message = this.message as OpenMessage;
    message.text += delta;
    frames.push(this.frame('response.output_text.delta', { ...this.position(message), delta, logprobs: [] }));
    return frames;
  }

  private openMessage(): SseFrame[] {
    const message: OpenMessage = { id: newItemId('msg'), index: this.output.length, text: '' };
    this.message = message;
    return [
      this.frame('response.output_item.added', {
        output_index: message.index,
        item: messageItem(message.id, 'in_progress'),
      }),
      this.frame('response.content_part.added', { ...this.position(message), part: outputText('') }),
    ];
  }

  private closeMessage(status: ResponseStatus): SseFrame[] {
    const { message } = this;
    if (!message) {
      return [];
    }
    this.message = undefined;
    const item = messageItem(message.id, status, message.text);
    this.output.push(item);
    return [
      this.frame('response.output_text.done', {
        ...this.position(message),
        text: message.text,
        logprobs: [],
      }),
      this.frame('response.content_part.done', { ...this.position(message), part: outputText(message.text) }),
      this.frame('response.output_item.done', { output_index: message.index, item }),
    ];
  }

  /** A call arrives whole from the backend: its arguments go out as one delta. */
  private functionCall(call: ToolCall): SseFrame[] {
    const id = newItemId('fc');
    const outputIndex = this.output.length;
    const item = functionCallItem(id, call, 'completed');
    this.output.push(item);
    const position = { item_id: id, output_index: outputIndex };
    return [
      this.frame('response.output_item.added', {
        output_index: outputIndex,
        item: functionCallItem(id, call, 'in_progress', ''),
      }),
      this.frame('response.function_call_arguments.delta', { ...position, delta: call.arguments }),
      this.frame('response.function_call_arguments.done', {
        ...position,
        name: call.name,
        arguments: call.arguments,
      }),
      this.frame('response.output_item.done', { output_index: outputIndex, item }),
    ];
  }

  /** An answer without any text or call still has its (empty) message, as a plain response does. */
  private finish(result: GenerationResult): SseFrame[] {
    const status = finalStatus(result);
    const frames = this.message || this.output.length > 0 ? [] : this.openMessage();
    frames.push(...this.closeMessage(status));
    frames.push(this.frame(`response.${status}`, { response: this.draft.finished(result, this.output) }));
    return frames;
  }

  private position(message: OpenMessage): object {
    return { item_id: message.id, output_index: message.index, content_index: 0 };
  }

  private frame(type: string, fields: object): SseFrame {
    return jsonFrame({ type, sequence_number: this.sequence++, ...fields }, type);
  }
}
