import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { mayUseModel, principalOf } from '@gateway/auth';
import {
  INFERENCE_PROVIDER,
  ModelCatalog,
  type CatalogEntry,
  type InferenceProvider,
  UnknownModelError,
} from '@gateway/inference';
import { SpeaksApi } from '@gateway/request-context';
import type { Request } from 'express';

interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The served models in OpenAI's shape; answered from the catalog, without asking the backend. */
@SpeaksApi('openai')
@Controller('v1/models')
export class ModelsController {
  // The catalog has no creation dates; the gateway's start is the moment these models became served.
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly catalog: ModelCatalog,
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
  ) {}

  /** Only the models the caller's key or token may use. */
  @Get()
  list(@Req() req: Request): { object: 'list'; data: OpenAiModel[] } {
    const principal = principalOf(req);
    const usable = this.catalog.list().filter((entry) => mayUseModel(principal, entry.id, this.catalog));
    return { object: 'list', data: usable.map((entry) => this.describe(entry)) };
  }

  /** Model ids may contain slashes (`hf.co/org/model:tag`), hence the wildcard. */
  @Get('*id')
  retrieve(@Param('id') id: string | string[], @Req() req: Request): OpenAiModel {
    const entry = this.catalog.resolve([id].flat().join('/'));
    // A model the caller may not use is reported like one that does not exist.
    if (!mayUseModel(principalOf(req), entry.id, this.catalog)) {
      throw new UnknownModelError(entry.id);
    }
    return this.describe(entry);
  }

  private describe(entry: CatalogEntry): OpenAiModel {
    return { id: entry.id, object: 'model', created: this.created, owned_by: this.provider.backendName };
  }
}
