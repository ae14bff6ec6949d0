import type { GatewayConfig } from '@gateway/config';
import type { CatalogEntry } from '@gateway/inference';

/**
 * The context window a served model runs with: its configured one (model table or
 * MODEL_CONTEXT_LENGTH), else the embedded engine's; unknown when Ollama's own default applies.
 */
export function servedContextLength(
  entry: CatalogEntry,
  inference: GatewayConfig['inference'],
): number | undefined {
  return (
    entry.contextLength ?? (inference.backend === 'embedded' ? inference.embeddedContextSize : undefined)
  );
}

/**
 * Ollama's `parameters` text for /api/show: one `name value` line per parameter the model runs with.
 * Clients (Continue, Open WebUI) read `num_ctx` from it to size their prompts.
 */
export function showParameters(contextLength: number | undefined): string {
  return contextLength === undefined ? '' : `${'num_ctx'.padEnd(30)} ${contextLength}`;
}
