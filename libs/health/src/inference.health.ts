import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { GatewayConfig } from '@gateway/config';
import {
  INFERENCE_PROVIDER,
  ModelCatalog,
  type InferenceProvider,
  type ModelStatus,
} from '@gateway/inference';

import { withTimeout } from './with-timeout';

interface CachedResult {
  at: number;
  result: HealthIndicatorResult;
}

/**
 * Readiness of the inference backend: reachable, the default model present, and whether it is warm.
 * Results are cached briefly so a storm of probes reaches the backend at most once per period.
 * Never generates tokens and never throws.
 */
@Injectable()
export class InferenceHealthIndicator {
  private cached?: CachedResult;
  private pending?: Promise<HealthIndicatorResult>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(INFERENCE_PROVIDER) private readonly provider: InferenceProvider,
    private readonly config: GatewayConfig,
    @Optional() private readonly catalog?: ModelCatalog,
  ) {}

  async isReady(): Promise<HealthIndicatorResult> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.config.timeouts.readinessCacheMs) {
      return this.cached.result;
    }
    this.pending ??= this.check().finally(() => (this.pending = undefined));
    const result = await this.pending;
    this.cached = { at: Date.now(), result };
    return result;
  }

  private async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('inference');
    const backend = this.provider.backendName;
    // With a model table (MODELS_FILE) its first entry is the default model, not MODEL_NAME.
    const modelName = this.catalog?.defaultEntry.backendModel ?? this.config.inference.modelName;
    let status: ModelStatus;
    try {
      status = await withTimeout(this.config.timeouts.healthCheckMs, (signal) =>
        this.provider.modelStatus(modelName, { signal }),
      );
    } catch (error) {
      return indicator.down({
        backend,
        model: modelName,
        reason: `backend check failed: ${(error as Error).message}`,
      });
    }
    if (!status.reachable) {
      return indicator.down({ backend, model: modelName, reason: 'inference backend unreachable' });
    }
    if (!status.present) {
      return indicator.down({
        backend,
        model: modelName,
        reason: `model '${modelName}' is not available on the backend`,
        available: status.available,
      });
    }
    return indicator.up({ backend, model: modelName, loaded: status.loaded });
  }
}
