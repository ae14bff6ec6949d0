import { HttpException, HttpStatus } from '@nestjs/common';

/** 403 for Ollama's model-management routes: models are managed on the Ollama servers, never through here. */
export class ModelManagementRefusedError extends HttpException {
  constructor() {
    super(
      {
        code: 'model_management_refused',
        message:
          'the gateway does not manage models: pull, push, create, copy and delete them on the Ollama server',
      },
      HttpStatus.FORBIDDEN,
    );
  }
}
