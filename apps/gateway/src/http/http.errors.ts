import { GatewayError } from '@gateway/errors';

export class PayloadTooLargeError extends GatewayError {
  constructor() {
    super('payload_too_large');
  }
}

export class BadRequestBodyError extends GatewayError {
  constructor(type: unknown) {
    super(
      'bad_request',
      type === 'entity.parse.failed' ? 'request body is not valid JSON' : 'request body could not be read',
    );
  }
}

export class UnsupportedMediaTypeError extends GatewayError {
  constructor() {
    super('unsupported_media_type');
  }
}
