import type { ModelInfo } from '@gateway/inference';
import { protocolError } from './upstream-detail';

interface ListedModel {
  name: string;
  size?: unknown;
  modified_at?: unknown;
  details?: { family?: unknown };
}

/** `/api/tags` -> our model list; the name is required, the rest is kept when well-formed. */
export function toModelInfos(answer: unknown): ModelInfo[] {
  return listedModels(answer).map((model) => ({
    name: model.name,
    sizeBytes: typeof model.size === 'number' ? model.size : undefined,
    modifiedAt: isoDate(model.modified_at),
    family: typeof model.details?.family === 'string' ? model.details.family : undefined,
  }));
}

/** The names in an `/api/tags` or `/api/ps` answer. */
export function toModelNames(answer: unknown): string[] {
  return listedModels(answer).map((model) => model.name);
}

function listedModels(answer: unknown): ListedModel[] {
  const models = (answer as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) {
    throw protocolError('the inference backend sent a malformed answer', 'no models array in a model list');
  }
  return models.filter(
    (model): model is ListedModel => typeof (model as ListedModel | null)?.name === 'string',
  );
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
