/**
 * Validates Kubernetes objects against the OpenAPI schemas compiled into `kubernetes-models`,
 * and rejects unknown fields, which those validators alone accept (a typo such as `protocl`
 * passes them, while the API server's strict field validation refuses it).
 *
 * `kubernetes-models` ships its schemas as generated validator functions, not as JSON, so the
 * walk is done through them: every object of the manifest is wrapped in a Proxy that records
 * which property names the validator looks up. A validator reads each property its schema
 * declares, and enumerates the keys of map-like objects (labels, resources.limits, data...).
 * A key the validator neither looked up nor enumerated is therefore not in the schema.
 */

type ModelClass = { prototype: { validate(this: unknown): void } };

interface Tracker {
  path: string;
  keys: string[];
  read: Set<string>;
  enumerated: boolean;
}

function instrument(value: unknown, path: string, trackers: Tracker[]): unknown {
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => instrument(item, `${path}/${index}`, trackers));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    copy[key] = instrument(child, `${path}/${key}`, trackers);
  }
  const tracker: Tracker = { path, keys: Object.keys(copy), read: new Set(), enumerated: false };
  trackers.push(tracker);
  return new Proxy(copy, {
    get(target, property, receiver) {
      if (typeof property === 'string') {
        tracker.read.add(property);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
    has(target, property) {
      if (typeof property === 'string') {
        tracker.read.add(property);
      }
      return Reflect.has(target, property);
    },
    ownKeys(target) {
      tracker.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

/** `apps/v1` -> `kubernetes-models/apps/v1`; `v1` -> `kubernetes-models/v1`. */
async function modelClass(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  let module: Record<string, unknown>;
  try {
    module = (await import(`kubernetes-models/${apiVersion}`)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const candidate = module[kind] as ModelClass | undefined;
  return typeof candidate === 'function' ? candidate : undefined;
}

/**
 * Base64 ("byte") fields as the API server decodes them: Go's decoder skips line breaks, and
 * kustomize wraps long Secret values over several lines.
 */
function withUnwrappedBase64<T extends object>(object: T & { kind?: unknown }): T {
  const field = object.kind === 'Secret' ? 'data' : object.kind === 'ConfigMap' ? 'binaryData' : undefined;
  const values = field ? (object as Record<string, unknown>)[field] : undefined;
  if (field === undefined || values === null || typeof values !== 'object') {
    return object;
  }
  const unwrapped = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replace(/[\r\n]/g, '') : value,
    ]),
  );
  return { ...object, [field]: unwrapped };
}

export interface SchemaCheck {
  /** false when kubernetes-models has no schema for this apiVersion/kind (e.g. a CRD). */
  known: boolean;
  errors: string[];
}

/** Schema errors plus unknown fields of one object; `known` is false for kinds it has no schema for. */
export async function validateStrict(object: { apiVersion?: unknown; kind?: unknown }): Promise<SchemaCheck> {
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
    return { known: false, errors: ['apiVersion and kind must be strings'] };
  }
  const model = await modelClass(object.apiVersion, object.kind);
  if (!model) {
    return { known: false, errors: [] };
  }
  const trackers: Tracker[] = [];
  const errors: string[] = [];
  try {
    model.prototype.validate.call(instrument(withUnwrappedBase64(object), '', trackers));
  } catch (error) {
    errors.push((error as Error).message);
  }
  for (const tracker of trackers) {
    if (tracker.enumerated) {
      continue;
    }
    for (const key of tracker.keys) {
      if (!tracker.read.has(key)) {
        errors.push(`unknown field "${tracker.path}/${key}"`);
      }
    }
  }
  return { known: true, errors };
}
