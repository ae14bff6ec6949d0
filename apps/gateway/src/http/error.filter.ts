import {
  Catch,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { maybeContextOf, requestLogField } from '@gateway/request-context';
import type { Request, Response } from 'express';

import { apiFamilyOf, errorBodyFor } from './error-body';
import { toApiError } from './error-mapping';
import { sendJson } from './json-response';

/** Every error of every route ends here and leaves as a stable JSON body in the route's shape. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const ctx = maybeContextOf(req);
    if (isHealthReport(exception)) {
      // "Not ready" is the readiness route's answer, not a failure of the gateway: no error log, and
      // counted like any other refusal that sends the caller elsewhere. Terminus' report is kept:
      // which check failed and why.
      if (ctx) {
        ctx.outcome = 'rejected';
      }
      if (!res.headersSent) {
        res.status(HttpStatus.SERVICE_UNAVAILABLE).json(exception.getResponse());
      }
      return;
    }
    const error = toApiError(exception);
    if (error.code === 'internal_error') {
      this.logger.error({ err: exception, ...requestLogField(ctx?.requestId) }, 'unhandled error');
    }
    if (res.headersSent || res.destroyed) {
      // A stream already started reports its own failure in-band; there is nothing left to send.
      res.end();
      return;
    }
    if (ctx) {
      ctx.outcome = error.spec.outcome;
    }
    if (error.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    sendJson(res, error.status, errorBodyFor(apiFamilyOf(req, ctx), error, ctx?.requestId));
  }
}

function isHealthReport(exception: unknown): exception is ServiceUnavailableException {
  if (!(exception instanceof ServiceUnavailableException)) {
    return false;
  }
  const body = exception.getResponse();
  return typeof body === 'object' && body !== null && 'status' in body && 'details' in body;
}
