import { BadRequestException } from '@nestjs/common';

/** A request field that passed its own validation but conflicts with another; 400 naming the field. */
export class OpenAiParamError extends BadRequestException {
  constructor(param: string, message: string) {
    super({ message, param, code: 'invalid_value' });
  }
}
