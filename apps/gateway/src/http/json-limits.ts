import { GatewayError } from '@gateway/errors';

export interface JsonLimits {
  maxDepth: number;
  maxStringLength: number;
  maxArrayLength: number;
  /** Objects, arrays and values; object keys are not counted. */
  maxNodes: number;
}

export type JsonLimitCode =
  'json_too_deep' | 'string_too_long' | 'json_array_too_long' | 'json_too_many_nodes';

/** 400 with a code saying which structural limit a JSON body broke. */
export class JsonLimitError extends GatewayError {
  constructor(code: JsonLimitCode, message: string) {
    super(code, message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_U = 0x75;

/**
 * Checks the structural limits on the JSON text itself, in one pass that allocates nothing and stops
 * at the first violation, so that a hostile body costs milliseconds before `JSON.parse`, DTO mapping
 * or validation ever build it. It does not check the syntax (`JSON.parse` does, afterwards): on text
 * that is not JSON it may report a limit instead. String lengths are counted like `String.length` of
 * the parsed value (an escape sequence is one character).
 */
export function assertJsonWithinLimits(text: string, limits: JsonLimits): void {
  // Per open container (index = depth): whether it is an array, and the commas seen in it so far.
  const isArray = new Uint8Array(limits.maxDepth + 1);
  const commas = new Uint32Array(limits.maxDepth + 1);
  let depth = 0;
  let nodes = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (isWhitespace(ch) || ch === COLON) {
      i += 1;
    } else if (ch === QUOTE) {
      i = endOfString(text, i, limits.maxStringLength);
      nodes += isKey(text, i) ? 0 : 1;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      depth += 1;
      if (depth > limits.maxDepth) {
        throw new JsonLimitError(
          'json_too_deep',
          `JSON body is nested deeper than ${limits.maxDepth} levels`,
        );
      }
      isArray[depth] = ch === OPEN_BRACKET ? 1 : 0;
      commas[depth] = 0;
      nodes += 1;
      i += 1;
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
      i += 1;
    } else if (ch === COMMA) {
      // n commas separate n + 1 elements.
      if (isArray[depth] === 1 && ++commas[depth] >= limits.maxArrayLength) {
        throw new JsonLimitError(
          'json_array_too_long',
          `JSON body holds an array longer than ${limits.maxArrayLength} elements`,
        );
      }
      i += 1;
    } else {
      i = endOfScalar(text, i);
      nodes += 1;
    }
    if (nodes > limits.maxNodes) {
      throw new JsonLimitError(
        'json_too_many_nodes',
        `JSON body holds more than ${limits.maxNodes} values (objects, arrays and values count)`,
      );
    }
  }
}

/** Index just past the closing quote of the string opening at `start`. */
function endOfString(text: string, start: number, maxLength: number): number {
  let length = 0;
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      return i + 1;
    }
    i += ch !== BACKSLASH ? 1 : text.charCodeAt(i + 1) === LETTER_U ? 6 : 2;
    length += 1;
    if (length > maxLength) {
      throw new JsonLimitError(
        'string_too_long',
        `JSON body holds a string longer than ${maxLength} characters`,
      );
    }
  }
  return i;
}

/** A string followed by a colon is an object key. */
function isKey(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) {
    i += 1;
  }
  return text.charCodeAt(i) === COLON;
}

/** Index just past a number, `true`, `false` or `null` (or whatever else stands there). */
function endOfScalar(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (isWhitespace(ch) || ch === COMMA || ch === CLOSE_BRACE || ch === CLOSE_BRACKET || ch === COLON) {
      return i;
    }
    if (ch === QUOTE || ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      return i;
    }
    i += 1;
  }
  return i;
}

function isWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
}
