import {
  Catch,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { currentObservation, type RequestOutcome } from '@gateway/metrics';
import type { Request, Response } from 'express';

import { errorBodyFor } from './error-body';
import { toApiError } from './error-mapping';
import { requestIdOf } from './request-id';

/** Every error of every route ends here and leaves as a stable JSON body. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const error = toApiError(exception);
    if (error.status >= 500 && error.code === 'internal_error') {
      this.logger.error({ err: exception, requestId: requestIdOf(req) }, 'unhandled error');
    }
    const observation = currentObservation();
    if (observation && error.code === 'cancelled') {
      observation.outcome = 'cancelled' satisfies RequestOutcome;
    }
    if (res.headersSent || res.destroyed) {
      // A stream already started reports its own failure in-band; there is nothing left to send.
      res.end();
      return;
    }
    if (isHealthReport(exception)) {
      // Readiness failures keep Terminus' report: which check failed and why.
      res.status(HttpStatus.SERVICE_UNAVAILABLE).json(exception.getResponse());
      return;
    }
    if (error.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    res.status(error.status).json(errorBodyFor(req.path, error, requestIdOf(req)));
  }
}

function isHealthReport(exception: unknown): exception is ServiceUnavailableException {
  if (!(exception instanceof ServiceUnavailableException)) {
    return false;
  }
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'status' in body && 'details' in body;
}
