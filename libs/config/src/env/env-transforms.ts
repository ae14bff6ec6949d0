import { Transform } from 'class-transformer';

/** Parses an integer environment value; anything else becomes NaN so validation reports the key. */
export const ToInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? parseStrictInt(value) : value));

/** Parses a decimal environment value; anything else becomes NaN so validation reports the key. */
export const ToNumber = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  );

/** Accepts true/false/1/0/yes/no; anything else is left as a string so validation reports the key. */
export const ToBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') {
      return value;
    }
    const normalised = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(normalised)) {
      return true;
    }
    if (['false', '0', 'no'].includes(normalised)) {
      return false;
    }
    return value;
  });

/** Splits a comma-separated list, trimming entries and dropping empty ones. */
export const ToList = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );

function parseStrictInt(value: string): number {
  return /^\s*-?\d+\s*$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
}
