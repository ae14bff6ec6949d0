import { GatewayError } from '@gateway/errors';

/** 401: no credentials, or credentials this gateway does not accept. Never says which part was wrong. */
export class AuthenticationRequiredError extends GatewayError {
  constructor(missing: boolean) {
    super(missing ? 'missing_api_key' : 'invalid_api_key');
  }
}

/** 403: a valid caller asked for a model its key does not allow. */
export class ModelNotAllowedError extends GatewayError {
  constructor(model: string) {
    super('model_not_allowed', `this key may not use the model "${model}"`, { param: 'model' });
  }
}
