import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { withTimeout } from '@gateway/health';
import {
  INFERENCE_PROVIDER,
  ModelCatalog,
  normaliseModelName,
  type InferenceProvider,
} from '@gateway/inference';

/** Says at start-up what serves the requests, and warns (without failing) when the backend is not there yet. */
@Injectable()
export class StartupReportService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Startup');

  constructor(
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
    private readonly config: GatewayConfig,
    private readonly catalog: ModelCatalog,
  ) {}

  onApplicationBootstrap(): void {
    void this.report();
  }

  private async report(): Promise<void> {
    const { backend } = this.config.inference;
    // The default model is the model table's first entry (MODEL_NAME when there is no table).
    const { id, backendModel: modelName } = this.catalog.defaultEntry;
    const { ollamaHosts, discovery } = this.config.routing;
    const places = [...ollamaHosts, ...discovery.sources.map((source) => source.name)];
    const where = backend === 'ollama' ? ` at ${places.join(', ')}` : '';
    const served = id === modelName ? id : `${id} (backend model ${modelName})`;
    this.logger.log(`inference backend: ${backend}${where}; default model: ${served}`);
    try {
      const models = await withTimeout(this.config.timeouts.healthCheckMs, (signal) =>
        this.provider.listModels({ signal }),
      );
      const names = models.map((m) => m.name);
      this.logger.log(`backend has ${names.length} model(s): ${names.join(', ') || '(none)'}`);
      if (!names.some((name) => normaliseModelName(name) === normaliseModelName(modelName))) {
        this.logger.warn(
          `configured model '${modelName}' is not on the backend; /ready answers 503 until it is`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `inference backend not reachable at start-up (${(error as Error).message}); serving anyway, /ready answers 503 until it is`,
      );
    }
  }
}
