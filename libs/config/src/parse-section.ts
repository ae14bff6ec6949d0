import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import type { NodeEnv } from './env/server.env';

export type RawEnv = Readonly<Record<string, string | undefined>>;

/** What every section builder gets: the raw environment, where to report problems, and the NODE_ENV. */
export interface SectionContext {
  env: RawEnv;
  nodeEnv: NodeEnv;
  problems: string[];
}

/** Values of these keys may hold credentials and are never echoed in error messages. */
const SECRET_KEY_PATTERN = /SECRET|PASSWORD|TOKEN|REDIS_URL|JWKS_URL/;

/** Validates one schema against the keys it declares; unset and empty values keep their defaults. */
export function parseSection<T extends object>(schema: new () => T, env: RawEnv, problems: string[]): T {
  const keys = Object.keys(new schema());
  const present = Object.fromEntries(
    keys.flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value.trim()]];
    }),
  );
  const instance = plainToInstance(schema, present);
  const errors = validateSync(instance, { forbidUnknownValues: true });
  problems.push(...errors.map((error) => describe(error, env)));
  return instance;
}

function describe(error: ValidationError, env: RawEnv): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const given = env[error.property];
  if (given === undefined) {
    return `${error.property}: ${reasons}`;
  }
  const shown = SECRET_KEY_PATTERN.test(error.property) ? '<redacted>' : given;
  return `${error.property}="${shown}": ${reasons}`;
}
