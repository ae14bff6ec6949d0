import { GatewayError } from '@gateway/errors';

/** 403 for Ollama's model-management routes: models are managed on the Ollama servers, never through here. */
export class ModelManagementRefusedError extends GatewayError {
  constructor() {
    super('model_management_refused');
  }
}
