import { Logger, type OnApplicationShutdown } from '@nestjs/common';

import type { InferenceError } from '@gateway/inference';
import type { InferenceProvider } from '@gateway/inference';
import type {
  EmbeddingRequest,
  EmbeddingResult,
  GenerationEvent,
  GenerationOptions,
  GenerationRequest,
  ModelInfo,
  ModelStatus,
} from '@gateway/inference';
import { normaliseModelName } from '@gateway/inference';
import { requestLogField } from '@gateway/request-context';
import { toInferenceError } from './ollama-errors';
import { OllamaGenerationCall } from './ollama-generation-call';
import { OllamaHttp } from './ollama-http';
import {
  buildOllamaEmbedBody,
  embedContextError,
  OLLAMA_EMBED_PATH,
  parseOllamaEmbedResponse,
} from './ollama-embed';
import { toModelInfos, toModelNames } from './ollama-models';
import { buildOllamaRequest } from './ollama-request-body';
import type { OllamaServerOptions } from './ollama-wire';

const CONNECT_TIMEOUT_MS = 10_000;
/** Longest NDJSON line accepted; a real chunk is a few hundred bytes. */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Largest /api/tags or /api/ps answer read (thousands of models). */
export const MAX_LIST_BYTES = 4 * 1024 * 1024;
/** Largest /api/embed answer read: a batch of large vectors as JSON text. */
export const MAX_EMBED_BYTES = 64 * 1024 * 1024;

/**
 * Talks to one Ollama server over a keep-alive pool (see OllamaHttp). Always streams from the native
 * API, so that every call can be aborted and none waits for a whole response inside one HTTP read, and
 * distrusts what comes back: lines, error bodies and counters are bounded and checked.
 */
export class OllamaService implements InferenceProvider, OnApplicationShutdown {
  readonly backendName = 'ollama';
  private readonly logger = new Logger(OllamaService.name);
  private readonly http: OllamaHttp;

  /** `host` is a full base URL with its port (see normaliseOllamaHost). */
  constructor(
    private readonly host: string,
    private readonly server: OllamaServerOptions = {},
  ) {
    this.http = new OllamaHttp(host, CONNECT_TIMEOUT_MS);
  }

  get baseUrl(): string {
    return this.host;
  }

  stream(request: GenerationRequest, options: GenerationOptions = {}): AsyncIterable<GenerationEvent> {
    const { signal, requestId } = options;
    const call = new OllamaGenerationCall({
      request,
      maxLineBytes: MAX_LINE_BYTES,
      signal,
      fail: (error) => this.reported(toInferenceError(error, request.model, signal), requestId),
      cutRunaway: () => this.cutRunaway(request, requestId),
    });
    // Building the body can refuse the request (a prompt over the context): that failure is the call's.
    return call.start((handler) => {
      const { path, body } = buildOllamaRequest(request, this.server);
      this.http.dispatchPost(path, body, options.headers, handler);
    });
  }

  async embed(request: EmbeddingRequest, options: GenerationOptions = {}): Promise<EmbeddingResult> {
    try {
      const body = buildOllamaEmbedBody(request);
      const json = await this.http.postJson(OLLAMA_EMBED_PATH, body, request.model, MAX_EMBED_BYTES, {
        signal: options.signal,
        mapFailure: embedContextError,
      });
      return parseOllamaEmbedResponse(json, request);
    } catch (error) {
      throw this.reported(toInferenceError(error, request.model, options.signal), options.requestId);
    }
  }

  async listModels(options: GenerationOptions = {}): Promise<ModelInfo[]> {
    try {
      return toModelInfos(await this.http.getJson('/api/tags', MAX_LIST_BYTES, options.signal));
    } catch (error) {
      throw this.reported(toInferenceError(error, '', options.signal));
    }
  }

  async modelStatus(model: string, options: GenerationOptions = {}): Promise<ModelStatus> {
    try {
      const [tags, running] = await Promise.all([
        this.http.getJson('/api/tags', MAX_LIST_BYTES, options.signal),
        this.http.getJson('/api/ps', MAX_LIST_BYTES, options.signal),
      ]);
      const wanted = normaliseModelName(model);
      const available = toModelNames(tags).map(normaliseModelName);
      return {
        reachable: true,
        present: available.includes(wanted),
        loaded: toModelNames(running).some((name) => normaliseModelName(name) === wanted),
        available,
      };
    } catch (error) {
      const domainError = toInferenceError(error, model, options.signal);
      // Unreachable is the answer itself (readiness reports it), not worth a log line per probe.
      if (domainError.code === 'upstream_unavailable') {
        return { reachable: false, present: false, loaded: false, available: [] };
      }
      throw this.reported(domainError);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http
      .close()
      .catch((error: unknown) => this.logger.warn(`closing the upstream pool: ${String(error)}`));
  }

  /**
   * Ollama ignored num_predict: the caller has all it asked for, so the answer ends here as if the
   * limit had been honoured, and the upstream connection is closed.
   */
  private cutRunaway(request: GenerationRequest, requestId: string | undefined): GenerationEvent {
    this.logger.warn(
      {
        ...requestLogField(requestId),
        upstream: this.host,
        model: request.model,
        maxTokens: request.params.maxTokens,
      },
      'the inference backend kept generating past max_tokens; the stream was cut',
    );
    return {
      type: 'done',
      result: {
        model: request.model,
        text: '',
        finishReason: 'length',
        usage: { promptTokens: 0, completionTokens: request.params.maxTokens },
        timings: {},
      },
    };
  }

  /** Logs what the upstream did, with the request it served, and returns the error. */
  private reported(error: InferenceError, requestId?: string): InferenceError {
    if (error.code !== 'cancelled' && error.code !== 'upstream_timeout') {
      this.logger.warn(
        {
          ...requestLogField(requestId),
          upstream: this.host,
          code: error.code,
          detail: describeCause(error.cause),
        },
        `inference backend failure: ${error.message}`,
      );
    }
    return error;
  }
}

/** The cause chain as one line: messages and error codes, for the logs. */
function describeCause(cause: unknown): string | undefined {
  const parts: string[] = [];
  for (let current = cause, depth = 0; current && depth < 4; depth += 1) {
    const { message, code } = current as { message?: unknown; code?: unknown };
    parts.push([code, message].filter((part) => typeof part === 'string').join(' '));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.length > 0 ? parts.join(' <- ') : undefined;
}
