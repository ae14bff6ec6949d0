import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Ollama, type ChatResponse, type GenerateResponse } from 'ollama';

import { collectStream } from '../collect-stream';
import type { InferenceProvider } from '../inference.provider';
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  GenerationResult,
  ModelInfo,
  ModelStatus,
} from '../inference.types';
import { normaliseModelName } from '../model-names';
import { toInferenceError } from './ollama-errors';
import { createOllamaAgent, createScopedFetch } from './ollama-fetch';
import { OllamaChunkReader } from './ollama-chunk-reader';
import {
  buildOllamaEmbedBody,
  embedContextError,
  OLLAMA_EMBED_PATH,
  parseOllamaEmbedResponse,
} from './ollama-embed';
import { buildOllamaRequest, type OllamaRequest } from './ollama-request-body';

const CONNECT_TIMEOUT_MS = 10_000;

/** A non-2xx answer in the shape toInferenceError reads from the `ollama` client. */
function responseError(status: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'ResponseError', status_code: status });
}

/**
 * Talks to one Ollama server through the `ollama` client. Always streams from the native API, so that
 * every call can be aborted and none waits for a whole response inside one HTTP read.
 */
export class OllamaService implements InferenceProvider, OnApplicationShutdown {
  readonly backendName = 'ollama';
  private readonly logger = new Logger(OllamaService.name);
  private readonly agent = createOllamaAgent(CONNECT_TIMEOUT_MS);

  /** `host` is a full base URL with its port (see normaliseOllamaHost). */
  constructor(private readonly host: string) {}

  get baseUrl(): string {
    return this.host;
  }

  async *stream(
    request: GenerationRequest,
    options: GenerationOptions = {},
  ): AsyncGenerator<GenerationEvent> {
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const client = this.client(signal);
    try {
      const upstream = buildOllamaRequest(request);
      const reader = new OllamaChunkReader(request);
      const chunks = await this.open(client, upstream);
      for await (const chunk of chunks) {
        for (const event of reader.read(chunk)) {
          yield event;
          if (event.type === 'done') {
            return;
          }
        }
      }
    } catch (error) {
      throw toInferenceError(error, request.model, signal);
    } finally {
      // Leaving the loop early (consumer stopped, error) must close the HTTP stream to free Ollama's slot.
      controller.abort();
    }
  }

  generate(request: GenerationRequest, options?: GenerationOptions): Promise<GenerationResult> {
    return collectStream(this.stream(request, options));
  }

  async embed(request: EmbeddingRequest, options: GenerationOptions = {}): Promise<EmbeddingResult> {
    const signal = options.signal ?? new AbortController().signal;
    try {
      const body = buildOllamaEmbedBody(request);
      const response = await createScopedFetch(this.agent, signal)(`${this.host}${OLLAMA_EMBED_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json: unknown = await response.json();
      if (!response.ok) {
        const reported = (json as { error?: unknown } | null)?.error;
        const message = typeof reported === 'string' ? reported : response.statusText;
        throw embedContextError(response.status, message) ?? responseError(response.status, message);
      }
      return parseOllamaEmbedResponse(json, request);
    } catch (error) {
      throw toInferenceError(error, request.model, signal);
    }
  }

  async listModels(options: GenerationOptions = {}): Promise<ModelInfo[]> {
    const signal = options.signal ?? new AbortController().signal;
    try {
      const { models } = await this.client(signal).list();
      return models.map((model) => ({
        name: model.name,
        sizeBytes: model.size,
        modifiedAt: new Date(model.modified_at).toISOString(),
        family: model.details?.family,
      }));
    } catch (error) {
      throw toInferenceError(error, '', signal);
    }
  }

  async modelStatus(model: string, options: GenerationOptions = {}): Promise<ModelStatus> {
    const signal = options.signal ?? new AbortController().signal;
    const client = this.client(signal);
    try {
      const [tags, running] = await Promise.all([client.list(), client.ps()]);
      const wanted = normaliseModelName(model);
      const available = tags.models.map((m) => normaliseModelName(m.name));
      return {
        reachable: true,
        present: available.includes(wanted),
        loaded: running.models.some((m) => normaliseModelName(m.name) === wanted),
        available,
      };
    } catch (error) {
      const domainError = toInferenceError(error, model, signal);
      if (domainError.code === 'upstream_unavailable') {
        return { reachable: false, present: false, loaded: false, available: [] };
      }
      throw domainError;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent
      .close()
      .catch((error: unknown) => this.logger.warn(`closing upstream agent: ${String(error)}`));
  }

  private client(signal: AbortSignal): Ollama {
    // One lightweight client per call: the library keeps every stream it opened in a list (#295),
    // so a shared client leaks aborted streams.
    return new Ollama({ host: this.host, fetch: createScopedFetch(this.agent, signal) });
  }

  private open(
    client: Ollama,
    upstream: OllamaRequest,
  ): Promise<AsyncIterable<GenerateResponse | ChatResponse>> {
    if (upstream.path === '/api/chat') {
      return client.chat(upstream.body);
    }
    return client.generate(upstream.body);
  }
}
