/**
 * Recognises a failure of a dependency (PostgreSQL, Redis) in whatever error reached the top of a
 * request, so that the exception filter answers 503 naming it instead of a bare 500. Errors are
 * tagged where they are raised when we can (the pool's client, the queue producer); the messages and
 * codes below catch the rest (TypeORM wraps driver errors in QueryFailedError.driverError).
 */
export type Dependency = 'database' | 'redis';

const TAG = Symbol.for('service-import.dependency');

/** Marks `error` as a failure to reach `dependency`; returns it, for `throw tagDependency(...)`. */
export function tagDependency<E>(error: E, dependency: Dependency): E {
  if (error && typeof error === 'object') (error as Record<symbol, unknown>)[TAG] = dependency;
  return error;
}

// SQLSTATE classes and codes that mean "the server cannot serve us now", not "the query is wrong".
const DATABASE_CODE = /^(08|57014|57P0[1-3]|53300|53400)/;
const DATABASE_MESSAGE =
  /^(Query read timeout|timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed)/;
const REDIS_MESSAGE = /^(Command timed out|Connection is closed|Reached the max retries per request limit)/;

export function failedDependency(error: unknown, depth = 0): Dependency | null {
  if (!error || typeof error !== 'object' || depth > 3) return null;
  const tagged = (error as Record<symbol, unknown>)[TAG];
  if (tagged === 'database' || tagged === 'redis') return tagged;
  const { name, message, code, driverError, cause } = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    driverError?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && DATABASE_CODE.test(code) && 'severity' in error) return 'database';
  if (typeof message === 'string') {
    if (DATABASE_MESSAGE.test(message)) return 'database';
    if (REDIS_MESSAGE.test(message) || name === 'MaxRetriesPerRequestError') return 'redis';
  }
  return failedDependency(driverError, depth + 1) ?? failedDependency(cause, depth + 1);
}

/** The sentence a 503 carries: names the dependency, says nothing about the server's insides. */
export function unavailableMessage(dependency: Dependency): string {
  return dependency === 'database'
    ? 'The database is unavailable right now (it did not answer in time). Try again.'
    : 'Redis (the queue) is unavailable right now (it did not answer in time). Try again.';
}
