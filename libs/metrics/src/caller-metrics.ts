import type { RequestOutcome } from '@gateway/errors';
import { Counter, type Registry } from 'prom-client';

import { METRIC_PREFIX } from './gateway-metrics';

/** What one finished request used, for the per-caller counters. */
export interface CallerUsage {
  /** Key id or `jwt:<subject>`: never the key. */
  callerId: string;
  outcome: RequestOutcome;
  promptTokens?: number;
  completionTokens?: number;
}

/**
 * Requests and tokens per caller, behind METRICS_PER_CALLER: one series per key id or JWT subject,
 * which a deployment with many subjects may not want. The families are always declared (so a
 * dashboard's queries stay valid); series appear only when the setting is on.
 */
export class CallerMetrics {
  readonly requests: Counter<'caller' | 'outcome'>;
  readonly promptTokens: Counter<'caller'>;
  readonly completionTokens: Counter<'caller'>;

  constructor(
    registry: Registry,
    readonly enabled: boolean,
  ) {
    this.requests = new Counter({
      name: `${METRIC_PREFIX}caller_requests_total`,
      help: 'Requests by caller (key id or jwt:<subject>) and outcome; only with METRICS_PER_CALLER=true.',
      labelNames: ['caller', 'outcome'] as const,
      registers: [registry],
    });
    this.promptTokens = new Counter({
      name: `${METRIC_PREFIX}caller_prompt_tokens_total`,
      help: 'Prompt tokens by caller; only with METRICS_PER_CALLER=true.',
      labelNames: ['caller'] as const,
      registers: [registry],
    });
    this.completionTokens = new Counter({
      name: `${METRIC_PREFIX}caller_completion_tokens_total`,
      help: 'Completion tokens by caller; only with METRICS_PER_CALLER=true.',
      labelNames: ['caller'] as const,
      registers: [registry],
    });
  }

  record({ callerId, outcome, promptTokens, completionTokens }: CallerUsage): void {
    if (!this.enabled) {
      return;
    }
    this.requests.inc({ caller: callerId, outcome });
    if (promptTokens !== undefined) {
      this.promptTokens.inc({ caller: callerId }, promptTokens);
    }
    if (completionTokens !== undefined) {
      this.completionTokens.inc({ caller: callerId }, completionTokens);
    }
  }
}
