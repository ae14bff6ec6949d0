import { HttpException, HttpStatus } from '@nestjs/common';

export class PayloadTooLargeError extends HttpException {
  constructor() {
    super('request body is larger than the configured limit', HttpStatus.PAYLOAD_TOO_LARGE);
  }
}

export class BadRequestBodyError extends HttpException {
  constructor(type: unknown) {
    super(
      type === 'entity.parse.failed' ? 'request body is not valid JSON' : 'request body could not be read',
      HttpStatus.BAD_REQUEST,
    );
  }
}

export class UnsupportedMediaTypeError extends HttpException {
  constructor() {
    super('request body must be JSON (Content-Type: application/json)', HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }
}
