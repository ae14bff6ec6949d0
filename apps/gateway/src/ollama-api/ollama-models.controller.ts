import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { mayUseModel, principalOf } from '@gateway/auth';
import { GatewayConfig } from '@gateway/config';
import {
  INFERENCE_PROVIDER,
  ModelCatalog,
  UnknownModelError,
  type CatalogEntry,
  type InferenceProvider,
} from '@gateway/inference';
import { SpeaksApi } from '@gateway/request-context';
import type { Request } from 'express';

import { OllamaShowRequestDto } from './dto/ollama-show-request.dto';
import { describeModel, type OllamaModelDescription } from './ollama-model-description';
import { servedContextLength, showParameters } from './served-context';

/** The Ollama API version whose behaviour these routes follow; clients compare it to enable features. */
export const OLLAMA_API_VERSION = '0.12.0';

/** Ollama's read-only model routes, answered from the gateway's model table. */
@SpeaksApi('ollama')
@Controller('api')
export class OllamaModelsController {
  // The table has no dates; the gateway's start is the moment these models became served.
  private readonly servedSince = new Date().toISOString();

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly config: GatewayConfig,
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
  ) {}

  /** The models the caller's key or token may use. */
  @Get('tags')
  tags(@Req() req: Request): { models: OllamaModelDescription[] } {
    return { models: this.usable(req).map((entry) => describeModel(entry, this.servedSince)) };
  }

  @Post('show')
  @HttpCode(200)
  show(@Body() body: OllamaShowRequestDto, @Req() req: Request): object {
    const requested = body.model ?? body.name ?? '';
    const entry = this.catalog.resolve(requested);
    // A model the caller may not use is reported like one that does not exist.
    if (!mayUseModel(principalOf(req), entry.id, this.catalog)) {
      throw new UnknownModelError(requested);
    }
    const { details, modified_at } = describeModel(entry, this.servedSince);
    return {
      license: '',
      modelfile: '',
      parameters: showParameters(servedContextLength(entry, this.config.inference)),
      template: '',
      details,
      model_info: {},
      capabilities: entry.embeddings === true ? ['embedding'] : ['completion'],
      modified_at,
    };
  }

  /** Served models the backend reports as loaded; a backend that does not answer in time reports none. */
  @Get('ps')
  async ps(@Req() req: Request): Promise<{ models: object[] }> {
    const timeoutMs = this.config.timeouts.healthCheckMs;
    const entries = this.usable(req);
    const loaded = await Promise.all(
      entries.map((entry) =>
        this.provider
          .modelStatus(entry.backendModel, { signal: AbortSignal.timeout(timeoutMs) })
          .then((status) => status.loaded)
          .catch(() => false),
      ),
    );
    return {
      models: entries
        .filter((_, i) => loaded[i])
        .map((entry) => {
          const contextLength = servedContextLength(entry, this.config.inference);
          return {
            ...describeModel(entry, this.servedSince),
            size_vram: 0,
            ...(contextLength === undefined ? {} : { context_length: contextLength }),
          };
        }),
    };
  }

  @Get('version')
  version(): { version: string } {
    return { version: OLLAMA_API_VERSION };
  }

  private usable(req: Request): CatalogEntry[] {
    const principal = principalOf(req);
    return this.catalog.list().filter((entry) => mayUseModel(principal, entry.id, this.catalog));
  }
}
