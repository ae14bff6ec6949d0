import { ValidationPipe, type ArgumentMetadata, type ValidationPipeOptions } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';

import { ValidationFastPath } from './validation-fast-path';

/** Unknown fields are rejected and nothing is coerced. */
export const GATEWAY_VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  // One message per bad field: a body with thousands of bad elements must not cost thousands.
  // class-validator checks a property's rules from the decorator nearest the property upwards and
  // reports the first that fails, so every DTO writes its type rule last: a string temperature is
  // "temperature must be a number", not "must not be greater than 2".
  stopAtFirstError: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
};

/**
 * Every body is validated against its DTO: unknown fields are rejected and nothing is coerced. A JSON
 * body that class-validator would accept is recognised by rules compiled once per DTO class (see
 * ValidationFastPath) and turned into the DTO by class-transformer, as the base pipe does, without the
 * base pipe's per-call work for values a JSON body cannot hold (binary values, primitives as bodies).
 * Any other value goes through ValidationPipe itself, which writes the error the client sees.
 */
export class GatewayValidationPipe extends ValidationPipe {
  private readonly fastPath: ValidationFastPath | undefined;

  constructor() {
    super(GATEWAY_VALIDATION_OPTIONS);
    this.fastPath = ValidationFastPath.supports(this.validatorOptions) ? new ValidationFastPath() : undefined;
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const accepted = this.accepted(value, metadata);
    return accepted === undefined ? super.transform(value, metadata) : Promise.resolve(accepted);
  }

  /** The DTO built from a body that certainly passes, or undefined to let ValidationPipe decide. */
  private accepted(value: unknown, { type, metatype }: ArgumentMetadata): object | undefined {
    if (type !== 'body' || !metatype || !this.fastPath?.knows(metatype) || !isPlainObject(value)) {
      return undefined;
    }
    // In place and idempotent, so that a body handed on to ValidationPipe is no different.
    this.stripProtoKeys(value);
    this.closeArrayGaps(value);
    const entity = plainToInstance(metatype, value, this.transformOptions) as object;
    return entity.constructor === metatype && this.fastPath.accepts(entity) ? entity : undefined;
  }
}

/** An object literal or a JSON object, from any realm: its prototype is the root of its chain. */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype !== null && Object.getPrototypeOf(prototype) === null;
}
