import { BadRequestException } from '@nestjs/common';

/** A field that passed its own validation but cannot be honoured as given; 400 naming the field. */
export class OllamaParamError extends BadRequestException {
  constructor(param: string, message: string) {
    super({ message, param, code: 'invalid_value' });
  }
}
