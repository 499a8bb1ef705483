/**
 * Expected failures of the domain, thrown by services and mapped to HTTP in one place
 * (AllExceptionsFilter). Services never build HTTP exceptions themselves.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
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

/** The caller presented a credential (e.g. a signed download link) that is invalid or expired. */
export class ForbiddenError extends DomainError {
  readonly status = 403;
}
