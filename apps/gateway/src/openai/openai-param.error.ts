import { GatewayError } from '@gateway/errors';

/** A request field that passed its own validation but conflicts with another; 400 naming the field. */
export class OpenAiParamError extends GatewayError {
  constructor(param: string, message: string) {
    super('invalid_value', message, { param });
  }
}
