import { GatewayError } from '@gateway/errors';

/** A field that passed its own validation but cannot be honoured as given; 400 naming the field. */
export class OllamaParamError extends GatewayError {
  constructor(param: string, message: string) {
    super('invalid_value', message, { param });
  }
}
