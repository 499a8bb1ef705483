import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { failedDependency, unavailableMessage } from './dependency-errors';
import { DomainError } from './domain-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** /health only: terminus' per-dependency details, so the 503 names what is down. */
  details?: Record<string, { status: string; [key: string]: unknown }>;
}

/** Every error leaves the service in one JSON shape: {statusCode, error, message}. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    const dependency = body.statusCode === 503 ? failedDependency(exception) : null;
    if (dependency) {
      // Expected while a dependency is away: one line, no stack.
      this.logger.warn(`Answered 503, ${dependency}: ${(exception as Error).message}`);
    } else if (body.statusCode >= 500 && !(exception instanceof DomainError) && !body.details) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (exception instanceof DomainError && exception.headers) response.set(exception.headers);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: reasonPhrase(exception.status),
        message: exception.message,
      };
    }
    const dependency = failedDependency(exception);
    if (dependency) {
      return { statusCode: 503, error: reasonPhrase(503), message: unavailableMessage(dependency) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const health = healthCheckResult(payload);
      if (health) {
        const down = Object.keys(health.error ?? {});
        return {
          statusCode: status,
          error: reasonPhrase(status),
          message: `Unavailable: ${down.join(', ')}`,
          details: health.details,
        };
      }
      let message: string | string[] = exception.message;
      if (typeof payload === 'string') message = payload;
      else if (payload && typeof payload === 'object' && 'message' in payload) {
        message = (payload as { message: string | string[] }).message;
      }
      return { statusCode: status, error: reasonPhrase(status), message };
    }
    // body-parser errors (malformed JSON, body too large) carry an HTTP status of their own.
    const candidate = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = candidate?.status ?? candidate?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message =
        candidate.type === 'entity.parse.failed'
          ? 'The request body is not valid JSON'
          : String(candidate.message);
      return { statusCode: status, error: reasonPhrase(status), message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: reasonPhrase(500),
      message: 'Internal server error',
    };
  }
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

type HealthCheckResult = { error?: Record<string, unknown>; details: NonNullable<ErrorBody['details']> };

/** The body @nestjs/terminus puts in the ServiceUnavailableException of a failed health check. */
function healthCheckResult(payload: unknown): HealthCheckResult | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const candidate = payload as { status?: unknown; details?: unknown };
  if (candidate.status !== 'error' || !candidate.details || typeof candidate.details !== 'object')
    return undefined;
  return candidate as HealthCheckResult;
}
