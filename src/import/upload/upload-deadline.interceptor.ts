import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, catchError, finalize, throwError } from 'rxjs';
import type { ErrorBody } from '../../common/all-exceptions.filter';
import { InvalidInputError } from '../../common/domain-errors';
import { AppConfig } from '../../config/app-config';

/**
 * Ends an upload whose connection is gone (the client left, or the deadline's 408 was sent) as an
 * expected outcome: multer's "Request aborted" is no server error to log with a stack trace.
 */
class UploadAbandonedError extends InvalidInputError {
  constructor() {
    super('The connection closed before the upload was complete; nothing was created.');
  }
}

/**
 * Bounds how long an upload's body may take to arrive (UPLOAD_TIMEOUT_SECONDS), so a client that
 * stalls mid-body cannot hold a request and its partial file open. Bound before FileInterceptor:
 * when the deadline passes with the body still arriving, the 408 is sent, FileInterceptor then
 * destroys the request it is still receiving, and the storage engine removes what it wrote.
 */
@Injectable()
export class UploadDeadlineInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const seconds = this.config.import.uploadTimeoutSeconds;
    const timer = setTimeout(() => {
      // Once the whole body is in, the rest of the work (storage, database, queue) has bounds of its own.
      if (req.complete || res.headersSent) return;
      const body: ErrorBody = {
        statusCode: 408,
        error: 'Request Timeout',
        message: `The upload did not arrive within ${seconds} seconds; nothing was created. Try again.`,
      };
      res.status(408).set('Connection', 'close').json(body);
    }, seconds * 1000);
    return next.handle().pipe(
      catchError((error: unknown) =>
        throwError(() =>
          res.headersSent || (req.destroyed && !req.complete) ? new UploadAbandonedError() : error,
        ),
      ),
      finalize(() => clearTimeout(timer)),
    );
  }
}
