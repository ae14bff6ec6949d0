import { Controller, Get, Inject, Param } from '@nestjs/common';
import {
  INFERENCE_PROVIDER,
  ModelCatalog,
  type CatalogEntry,
  type InferenceProvider,
} from '@gateway/inference';

interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The served models in OpenAI's shape; answered from the catalog, without asking the backend. */
@Controller('v1/models')
export class ModelsController {
  // The catalog has no creation dates; the gateway's start is the moment these models became served.
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly catalog: ModelCatalog,
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
  ) {}

  @Get()
  list(): { object: 'list'; data: OpenAiModel[] } {
    return { object: 'list', data: this.catalog.list().map((entry) => this.describe(entry)) };
  }

  /** Model ids may contain slashes (`hf.co/org/model:tag`), hence the wildcard. */
  @Get('*id')
  retrieve(@Param('id') id: string | string[]): OpenAiModel {
    return this.describe(this.catalog.resolve([id].flat().join('/')));
  }

  private describe(entry: CatalogEntry): OpenAiModel {
    return { id: entry.id, object: 'model', created: this.created, owned_by: this.provider.backendName };
  }
}
