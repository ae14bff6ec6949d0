import type { GenerationEvent } from '@gateway/inference';

import type { ApiError } from '../http/api-error';
import { jsonFrame, type SseDialect, type SseFrame } from '../http/sse-dialect';
import { finalStatus, outputText, type ResponseDraft } from './responses-response.mapping';

const POSITION = { output_index: 0, content_index: 0 };

/**
 * The Responses API's stream: `event: <type>` frames whose data carries `type` and an increasing
 * `sequence_number`: created, in_progress, output_item.added, content_part.added, output_text.delta...,
 * output_text.done, content_part.done, output_item.done, then one terminal response.completed,
 * response.incomplete or response.failed. There is no `[DONE]`.
 */
export class ResponsesSseDialect implements SseDialect {
  private sequence = 0;
  private started = false;
  private text = '';

  constructor(private readonly draft: ResponseDraft) {}

  framesFor(event: GenerationEvent): SseFrame[] {
    const frames = this.opening();
    if (event.type === 'delta') {
      this.text += event.text;
      frames.push(
        this.frame('response.output_text.delta', {
          item_id: this.draft.messageId,
          ...POSITION,
          delta: event.text,
          logprobs: [],
        }),
      );
      return frames;
    }
    const status = finalStatus(event.result);
    const part = outputText(this.text);
    frames.push(
      this.frame('response.output_text.done', {
        item_id: this.draft.messageId,
        ...POSITION,
        text: this.text,
        logprobs: [],
      }),
      this.frame('response.content_part.done', { item_id: this.draft.messageId, ...POSITION, part }),
      this.frame('response.output_item.done', {
        output_index: 0,
        item: this.draft.message(status, this.text),
      }),
      this.frame(`response.${status}`, { response: this.draft.finished(event.result, this.text) }),
    );
    return frames;
  }

  closingFrames(): SseFrame[] {
    return [];
  }

  /** A failure after the 200: the events the client has not seen yet that open a response, then response.failed. */
  errorFrame(error: ApiError): SseFrame[] {
    const hadOutput = this.started;
    const frames = this.started ? [] : this.lifecycleOpening();
    frames.push(
      this.frame('response.failed', {
        response: this.draft.failed(error, hadOutput ? this.text : undefined),
      }),
    );
    return frames;
  }

  private opening(): SseFrame[] {
    if (this.started) {
      return [];
    }
    const frames = this.lifecycleOpening();
    this.started = true;
    frames.push(
      this.frame('response.output_item.added', { output_index: 0, item: this.draft.message('in_progress') }),
      this.frame('response.content_part.added', {
        item_id: this.draft.messageId,
        ...POSITION,
        part: outputText(''),
      }),
    );
    return frames;
  }

  private lifecycleOpening(): SseFrame[] {
    const response = this.draft.inProgress();
    return [this.frame('response.created', { response }), this.frame('response.in_progress', { response })];
  }

  private frame(type: string, fields: object): SseFrame {
    return jsonFrame({ type, sequence_number: this.sequence++, ...fields }, type);
  }
}
