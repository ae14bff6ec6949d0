import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';

import { UnknownModelError } from './inference.errors';
import { sameModel } from './model-names';

/** A model callers may ask for, by its public name, and the backend model that serves it. */
export interface CatalogEntry {
  /** Public id shown in /v1/models and accepted in requests. */
  id: string;
  /** Name of the model on the backend. */
  backendModel: string;
}

/**
 * The models this gateway serves. Requests name a public id (or nothing, for the default); anything
 * else is rejected before a backend is contacted.
 */
@Injectable()
export class ModelCatalog {
  private readonly entries: CatalogEntry[];

  constructor(config: GatewayConfig) {
    const name = config.inference.modelName;
    this.entries = [{ id: name, backendModel: name }];
  }

  list(): CatalogEntry[] {
    return [...this.entries];
  }

  get defaultEntry(): CatalogEntry {
    return this.entries[0];
  }

  /** The entry for a requested id (tag-normalised), or the default when none is given. */
  resolve(id?: string): CatalogEntry {
    if (id === undefined) {
      return this.defaultEntry;
    }
    const entry = this.entries.find((candidate) => sameModel(candidate.id, id));
    if (!entry) {
      throw new UnknownModelError(id);
    }
    return entry;
  }
}
