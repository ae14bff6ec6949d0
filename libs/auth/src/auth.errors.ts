import { HttpException, HttpStatus } from '@nestjs/common';

/** 401: no credentials, or credentials this gateway does not accept. Never says which part was wrong. */
export class AuthenticationRequiredError extends HttpException {
  constructor(missing: boolean) {
    super(
      missing
        ? {
            code: 'missing_api_key',
            message: 'authentication required: send Authorization: Bearer <key> or x-api-key',
          }
        : { code: 'invalid_api_key', message: 'the API key or token is not valid' },
      HttpStatus.UNAUTHORIZED,
    );
  }
}

/** 403: a valid caller asked for a model its key does not allow. */
export class ModelNotAllowedError extends HttpException {
  constructor(model: string) {
    super(
      { code: 'model_not_allowed', message: `this key may not use the model "${model}"`, param: 'model' },
      HttpStatus.FORBIDDEN,
    );
  }
}
