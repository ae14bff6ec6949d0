import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { UnknownModelError } from './inference.errors';
import { normaliseModelName } from './model-names';
import { loadModelTable, type ModelTableEntry } from './model-table';

/** A model callers may ask for, by its public name, and the backend model that serves it. */
export type CatalogEntry = ModelTableEntry;

/**
 * The models this gateway serves: the table in MODELS_FILE, or MODEL_NAME alone on every endpoint.
 * Requests name a public id or alias (or nothing, for the first entry); anything else is rejected before
 * a backend is contacted. Nothing a caller sends ever selects a host.
 */
@Injectable()
export class ModelCatalog {
  private readonly entries: CatalogEntry[];
  /** Every id and alias, tag-normalised, to its entry (the table guarantees each names one entry). */
  private readonly byName = new Map<string, CatalogEntry>();
  /** Per tag-normalised backend model: the endpoints serving it, undefined when every endpoint does. */
  private readonly endpointsByModel = new Map<string, string[] | undefined>();

  constructor(config: GatewayConfig) {
    const { modelName, backend, contextLength } = config.inference;
    const { modelsFile, ollamaHosts, discovery } = config.routing;
    const endpointNames = [...ollamaHosts, ...discovery.sources.map((source) => source.name)];
    const entries = modelsFile
      ? loadModelTable(modelsFile, backend === 'ollama' ? endpointNames : undefined)
      : [{ id: modelName, backendModel: modelName, aliases: [] }];
    // MODEL_CONTEXT_LENGTH is the context of every model whose row does not say its own.
    this.entries = entries.map((entry) =>
      entry.contextLength === undefined && contextLength !== undefined ? { ...entry, contextLength } : entry,
    );
    // Requests look names up on every call: normalise them once here.
    for (const entry of this.entries) {
      for (const name of [entry.id, ...entry.aliases]) {
        const key = normaliseModelName(name);
        if (!this.byName.has(key)) {
          this.byName.set(key, entry);
        }
      }
      const model = normaliseModelName(entry.backendModel);
      const known = this.endpointsByModel.has(model) ? this.endpointsByModel.get(model) : [];
      this.endpointsByModel.set(
        model,
        known && entry.endpoints ? [...new Set([...known, ...entry.endpoints])] : undefined,
      );
    }
  }

  list(): CatalogEntry[] {
    return [...this.entries];
  }

  get defaultEntry(): CatalogEntry {
    return this.entries[0];
  }

  /** The entry for a requested id or alias (tag-normalised), or the default when none is given. */
  resolve(id?: string): CatalogEntry {
    if (id === undefined) {
      return this.defaultEntry;
    }
    const entry = this.byName.get(normaliseModelName(id));
    if (!entry) {
      throw new UnknownModelError(id);
    }
    return entry;
  }

  /** Backend models an endpoint (its URL, or its discovery name) serves: those without a filter too. */
  backendModelsServedBy(endpointName: string): string[] {
    const models = this.entries
      .filter((entry) => !entry.endpoints || entry.endpoints.includes(endpointName))
      .map((entry) => entry.backendModel);
    return [...new Set(models)];
  }

  /** Endpoints that serve a backend model; undefined when every endpoint does. */
  endpointsFor(backendModel: string): string[] | undefined {
    const endpoints = this.endpointsByModel.get(normaliseModelName(backendModel));
    return endpoints && [...endpoints];
  }
}
