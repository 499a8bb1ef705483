/**
 * Expected failures of the domain, thrown by services and mapped to HTTP in one place
 * (AllExceptionsFilter). Services never build HTTP exceptions themselves.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Response headers the answer must carry (WWW-Authenticate, Retry-After). */
  readonly headers?: Record<string, string>;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class GoneError extends DomainError {
  readonly status = 410;
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
}

export class UnprocessableError extends DomainError {
  readonly status = 422;
}

/** A dependency (database, queue, storage) cannot be reached right now; the client may retry. */
export class DependencyUnavailableError extends DomainError {
  readonly status = 503;
}

/** What was asked for is being prepared (a file written after its job ended); retry after a moment. */
export class NotReadyError extends DomainError {
  readonly status = 503;
  override readonly headers: Record<string, string>;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

/** The caller presented a credential (e.g. a signed download link) that is invalid or expired. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
}

/** No valid API key was presented; the message never says which part was wrong. */
export class UnauthorizedError extends DomainError {
  readonly status = 401;
  override readonly headers = { 'WWW-Authenticate': 'Bearer' };
}

/** A per-principal limit was reached; the client may retry after `retryAfterSeconds`. */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  override readonly headers: Record<string, string>;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}
