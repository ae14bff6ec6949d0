import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { UnknownModelError } from './inference.errors';
import { sameModel } from './model-names';
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

  constructor(config: GatewayConfig) {
    const { modelName, backend } = config.inference;
    const { modelsFile, ollamaHosts } = config.routing;
    this.entries = modelsFile
      ? loadModelTable(modelsFile, backend === 'ollama' ? ollamaHosts : undefined)
      : [{ id: modelName, backendModel: modelName, aliases: [] }];
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
    const entry = this.entries.find((candidate) =>
      [candidate.id, ...candidate.aliases].some((name) => sameModel(name, id)),
    );
    if (!entry) {
      throw new UnknownModelError(id);
    }
    return entry;
  }

  /** Endpoints that serve a backend model; undefined when every endpoint does. */
  endpointsFor(backendModel: string): string[] | undefined {
    const entries = this.entries.filter((entry) => sameModel(entry.backendModel, backendModel));
    if (entries.length === 0 || entries.some((entry) => entry.endpoints === undefined)) {
      return undefined;
    }
    return [...new Set(entries.flatMap((entry) => entry.endpoints ?? []))];
  }
}
