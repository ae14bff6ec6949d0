import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidatorOptions,
} from 'class-validator';

type Metadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Constraint = ReturnType<MetadataStorage['getTargetValidatorConstraints']>[number];

/** A DTO class, as class-validator keys its metadata. */
type DtoClass = abstract new (...args: never[]) => object;

/** One property's rules, looked up once per class instead of on every request. */
interface PropertyRules {
  name: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  checks: Array<{ metadata: Metadata; constraint: Constraint }>;
  nested: boolean;
}

/** `true`: class-validator would find no error. `false`: it may; only class-validator can say which. */
type Checker = (object: object) => boolean;

/**
 * The accept-only half of class-validator, compiled per DTO class: it runs the same constraint
 * functions on the same transformed instance, in the same order and under the same conditions, but
 * without class-validator's per-call metadata lookups, error objects and promises. It never rejects: a
 * body it does not accept (invalid, asynchronous rules, a shape it does not know) goes to class-validator,
 * which produces the error the client sees. So the error bodies are exactly class-validator's.
 *
 * Valid for the options the gateway validates with (whitelist + forbidNonWhitelisted + forbidUnknownValues,
 * no groups, nothing skipped); `supports` says whether a given set of options is such a set.
 */
export class ValidationFastPath {
  private readonly storage = getMetadataStorage();
  private readonly checkers = new Map<DtoClass, Checker | undefined>();

  static supports(options: ValidatorOptions): boolean {
    return (
      options.whitelist === true &&
      options.forbidNonWhitelisted === true &&
      options.forbidUnknownValues !== false &&
      !options.groups?.length &&
      !options.always &&
      !options.strictGroups &&
      !options.skipMissingProperties &&
      !options.skipNullProperties &&
      !options.skipUndefinedProperties
    );
  }

  /** Whether `target` has rules this fast path can run (compiled on first use). */
  knows(target: DtoClass): boolean {
    return this.checkerFor(target) !== undefined;
  }

  /** Whether class-validator would certainly accept `object` as it is. */
  accepts(object: object): boolean {
    return this.checkerFor(object.constructor as DtoClass)?.(object) ?? false;
  }

  private checkerFor(target: DtoClass): Checker | undefined {
    if (!this.checkers.has(target)) {
      this.checkers.set(target, this.compile(target));
    }
    return this.checkers.get(target);
  }

  private compile(target: DtoClass): Checker | undefined {
    // No schema name: the lookup class-validator makes for a class instance.
    const metadatas = this.storage.getTargetValidationMetadatas(
      target,
      undefined as unknown as string,
      false,
      false,
    );
    if (metadatas.length === 0) {
      return undefined; // forbidUnknownValues: an error
    }
    if (metadatas.some((metadata) => metadata.type === ValidationTypes.PROMISE_VALIDATION)) {
      return undefined;
    }
    const rules = Object.entries(this.storage.groupByPropertyName(metadatas)).map(
      ([name, group]): PropertyRules => ({
        name,
        conditions: group
          .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
          .map((metadata) => metadata.constraints[0] as (object: object, value: unknown) => boolean),
        // IS_DEFINED first, as class-validator runs them.
        checks: [
          ...group.filter((metadata) => metadata.type === ValidationTypes.IS_DEFINED),
          ...group.filter((metadata) => metadata.type === ValidationTypes.CUSTOM_VALIDATION),
        ].flatMap((metadata) =>
          this.storage
            .getTargetValidatorConstraints(metadata.constraintCls)
            .map((constraint) => ({ metadata, constraint })),
        ),
        nested: group.some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION),
      }),
    );
    const known = new Set(rules.map((rule) => rule.name));
    return (object) => {
      for (const key of Object.keys(object)) {
        if (!known.has(key)) {
          return false; // not whitelisted: forbidden
        }
      }
      const record = object as Record<string, unknown>;
      return rules.every((rule) => this.propertyPasses(object, record[rule.name], rule));
    };
  }

  private propertyPasses(object: object, value: unknown, rule: PropertyRules): boolean {
    if (value instanceof Promise) {
      return false;
    }
    // Every condition is evaluated, as class-validator does, before any of them decides.
    const results = rule.conditions.map((condition) => condition(object, value));
    if (!results.every(Boolean)) {
      return true; // not validated at all
    }
    for (const { metadata, constraint } of rule.checks) {
      const args = {
        targetName: object.constructor.name,
        property: metadata.propertyName,
        object,
        value,
        constraints: metadata.constraints,
      };
      const values = metadata.each && isCollection(value) ? collectionValues(value) : [value];
      for (const each of values) {
        if (constraint.instance.validate(each, args) !== true) {
          return false; // invalid, or a promise: class-validator decides
        }
      }
    }
    return !rule.nested || this.nestedPasses(value);
  }

  /** An object is validated as its own class; each element of a collection likewise. */
  private nestedPasses(value: unknown): boolean {
    if (value === undefined) {
      return true;
    }
    if (isCollection(value)) {
      return collectionValues(value).every((element) => this.nestedPasses(element));
    }
    return value instanceof Object && this.accepts(value);
  }
}

function isCollection(value: unknown): value is unknown[] | Set<unknown> | Map<unknown, unknown> {
  return Array.isArray(value) || value instanceof Set || value instanceof Map;
}

function collectionValues(value: unknown[] | Set<unknown> | Map<unknown, unknown>): unknown[] {
  return Array.isArray(value) ? value : [...value.values()];
}
