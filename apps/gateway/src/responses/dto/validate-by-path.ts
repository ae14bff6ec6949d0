import { ValidateBy } from 'class-validator';

/**
 * Passes when `problem` finds nothing wrong. Its message starts with the path of the offending field
 * (`input[2].content`, `text.format.name`), which the error mapping reports as `param`.
 */
export function ValidateByPath(
  name: string,
  problem: (value: unknown) => string | undefined,
): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === undefined,
      defaultMessage: (args) => problem(args?.value) ?? `${args?.property ?? 'field'} is invalid`,
    },
  });
}
