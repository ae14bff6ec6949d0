import { GatewayError } from '@gateway/errors';

export interface JsonLimits {
  maxDepth: number;
  maxStringLength: number;
}

/** 400 with a code saying which structural limit a JSON body broke. */
export class JsonLimitError extends GatewayError {
  constructor(code: 'json_too_deep' | 'string_too_long', message: string) {
    super(code, message);
  }
}

/**
 * Rejects bodies nested deeper than `maxDepth` or holding a string (value or key) longer than
 * `maxStringLength`, before validation or mapping code walks them recursively. Iterative on purpose:
 * a hostile body must not be able to overflow the stack of the check itself.
 */
export function assertJsonWithinLimits(body: unknown, limits: JsonLimits): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      checkString(value, limits);
      continue;
    }
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth + 1 > limits.maxDepth) {
      throw new JsonLimitError('json_too_deep', `JSON body is nested deeper than ${limits.maxDepth} levels`);
    }
    for (const [key, child] of Object.entries(value)) {
      checkString(key, limits);
      pending.push({ value: child, depth: depth + 1 });
    }
  }
}

function checkString(value: string, limits: JsonLimits): void {
  if (value.length > limits.maxStringLength) {
    throw new JsonLimitError(
      'string_too_long',
      `JSON body holds a string longer than ${limits.maxStringLength} characters`,
    );
  }
}
