import { sameModel, type ModelCatalog } from '@gateway/inference';

import type { Principal } from './principal';

/**
 * Whether a caller may use a model. Names are compared as catalog entries, so an alias of an allowed
 * model is allowed too. No principal (auth off) or no model list means every model.
 */
export function mayUseModel(principal: Principal | undefined, model: string, catalog: ModelCatalog): boolean {
  if (!principal?.models) {
    return true;
  }
  const requested = canonical(model, catalog);
  return principal.models.some((candidate) => sameModel(canonical(candidate, catalog), requested));
}

function canonical(model: string, catalog: ModelCatalog): string {
  try {
    return catalog.resolve(model).id;
  } catch {
    return model;
  }
}
