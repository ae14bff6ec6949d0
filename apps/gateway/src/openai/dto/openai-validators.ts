import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Passes when the value is absent/null or one of `allowed`; otherwise fails with `why` after the field name. */
export function AcceptOnly(allowed: unknown[], why: string, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'acceptOnly',
      validator: {
        validate: (value: unknown) => value === undefined || value === null || allowed.includes(value),
        defaultMessage: (args) => `${args?.property ?? 'field'} ${why}`,
      },
    },
    options,
  );
}

/** Passes when the value is absent, null, or an empty list/object: a request that asks for nothing. */
export function AcceptOnlyEmpty(why: string): PropertyDecorator {
  return ValidateBy({
    name: 'acceptOnlyEmpty',
    validator: {
      validate: (value: unknown) => isEmptyValue(value),
      defaultMessage: (args) => `${args?.property ?? 'field'} ${why}`,
    },
  });
}

/** Passes when `problem` finds nothing wrong with the value; otherwise fails with `field` and what it found. */
export function ValidateByProblem(
  name: string,
  field: string,
  problem: (value: unknown) => string | undefined,
): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === undefined,
      defaultMessage: (args) => `${field} ${problem(args?.value) ?? 'is invalid'}`,
    },
  });
}

/** A string, or a list of minItems..maxItems strings of at most maxLength characters each (empty ones allowed). */
export function IsStringOrStringList(maxItems: number, maxLength: number, minItems = 0): PropertyDecorator {
  return ValidateBy({
    name: 'isStringOrStringList',
    validator: {
      validate: (value: unknown) => {
        const list = typeof value === 'string' ? [value] : value;
        return (
          Array.isArray(list) &&
          list.length >= minItems &&
          list.length <= maxItems &&
          list.every((item) => typeof item === 'string' && item.length <= maxLength)
        );
      },
      defaultMessage: (args) =>
        `${args?.property ?? 'field'} must be a string or a list of ${countWords(minItems, maxItems)} of at most ${maxLength} characters`,
    },
  });
}

function countWords(min: number, max: number): string {
  const noun = max === 1 ? 'string' : 'strings';
  if (min === max) {
    return `exactly ${max} ${noun}`;
  }
  return min === 0 ? `at most ${max} ${noun}` : `${min} to ${max} ${noun}`;
}

export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  return typeof value === 'object' && Object.keys(value).length === 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
