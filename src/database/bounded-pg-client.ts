import { Client } from 'pg';
import { tagDependency } from '../common/dependency-errors';

/**
 * The pg Client of the shared pool. pg's `query_timeout` rejects a query the server has not answered
 * in time but keeps the connection, with the query still outstanding on it: the pool would hand it to
 * the next request, whose queries wait behind the lost one, and a transaction begun on it could be
 * committed by whoever uses it next once the server answers again. So a timed-out query here destroys
 * its connection; the pool then drops the client and PostgreSQL rolls back whatever it had open.
 * Every failure to reach the server is tagged "database" (a 503 naming it, not a 500).
 */
export class BoundedPgClient extends Client {
  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // The pool and TypeORM listen while they hold the client; this keeps an error that lands in
    // between from being an unhandled 'error' event.
    this.on('error', () => undefined);
  }

  override connect(...args: any[]): any {
    const callback = args[0] as ((error: Error | null, client?: Client) => void) | undefined;
    const connect = super.connect.bind(this) as (...a: unknown[]) => Promise<Client> | void;
    if (callback) {
      return connect((error: Error | null, client?: Client) =>
        callback(error && tagDependency(error, 'database'), client),
      );
    }
    return (connect() as Promise<Client>).catch((error: Error) =>
      Promise.reject(tagDependency(error, 'database')),
    );
  }

  override query(...args: any[]): any {
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: Error | null, result?: unknown) => void;
      args[last] = (error: Error | null, result?: unknown) => callback(error && this.failed(error), result);
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) return result.catch((error: Error) => Promise.reject(this.failed(error)));
    return result;
  }

  private failed(error: Error): Error {
    if (error.message === 'Query read timeout') {
      this.abandon();
      return tagDependency(error, 'database');
    }
    // The socket failing (ECONNRESET, EPIPE...); server-side errors keep their own mapping.
    if ('syscall' in error) tagDependency(error, 'database');
    return error;
  }

  private abandon(): void {
    const self = this as unknown as { _queryable: boolean; connection?: { stream?: { destroy(): void } } };
    // Not queryable from now on, so that the pool discards it on release instead of reusing it.
    self._queryable = false;
    self.connection?.stream?.destroy();
  }
}
