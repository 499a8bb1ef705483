import { Client } from 'pg';
import type { Logger } from 'pino';
import { addressOf, redactUrl, START_DEPENDENCIES_SECTION } from '../logging/redact-url';

/** Delay before try n+1 (n from 0): 0.5 s doubling to at most 8 s; the default 6 retries wait 23.5 s. */
export function databaseRetryDelayMs(retry: number): number {
  return Math.min(500 * 2 ** retry, 8000);
}

/**
 * Waits at start-up until the PostgreSQL server of DATABASE_URL accepts a connection: 1 + `retries`
 * tries, one warn line each, then one error line saying what to do, and `false` (main.ts exits 1).
 * A server that answers with an error that waiting does not cure (a wrong password, say) ends the
 * wait at once. The password never reaches a log line.
 */
export async function waitForDatabase(
  databaseUrl: string,
  retries: number,
  logger: Logger,
): Promise<boolean> {
  const where = describe(databaseUrl);
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const error = await tryConnect(databaseUrl);
    if (!error) {
      if (attempt > 0) logger.info(where.fields, `PostgreSQL is reachable at ${where.address}`);
      return true;
    }
    const reason = describeError(error);
    if (!retryable(error)) {
      logger.error(
        { ...where.fields, reason },
        `PostgreSQL at ${where.address} (DATABASE_URL=${where.url}) refused the connection: ${reason}. ` +
          'Check the user, password and database in DATABASE_URL (README: Configuration).',
      );
      return false;
    }
    if (attempt >= retries) {
      const seconds = Math.round((Date.now() - started) / 1000);
      logger.error(
        { ...where.fields, reason, tries: attempt + 1 },
        `PostgreSQL is not reachable at ${where.address} (DATABASE_URL=${where.url}): ${reason}. ` +
          `Start it (${START_DEPENDENCIES_SECTION}) or point DATABASE_URL at a running server; ` +
          `gave up after ${attempt + 1} tries in ${seconds} s (DATABASE_CONNECT_RETRIES=${retries}).`,
      );
      return false;
    }
    const delay = databaseRetryDelayMs(attempt);
    logger.warn(
      { ...where.fields, reason, try: attempt + 1, tries: retries + 1 },
      `PostgreSQL is not reachable at ${where.address} (DATABASE_URL=${where.url}): ${reason}; ` +
        `try ${attempt + 1} of ${retries + 1}, next in ${delay / 1000} s`,
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Connects to the server's `postgres` database, as ensureDatabase does (the named one may not exist yet). */
async function tryConnect(databaseUrl: string): Promise<Error | null> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return null;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describe(databaseUrl: string) {
  const address = addressOf(databaseUrl, 5432);
  const url = redactUrl(databaseUrl);
  return { address, url, fields: { dependency: 'database', variable: 'DATABASE_URL', address } };
}

/** `connect ECONNREFUSED`, `getaddrinfo ENOTFOUND`, or the server's message. */
function describeError(error: Error): string {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (code && /^E[A-Z]+$/.test(code)) return `${syscall ?? 'connect'} ${code}`;
  return error.message || String(error);
}

/** Not reachable (no answer from a server) or a server still starting / full: waiting may help. */
function retryable(error: Error): boolean {
  const { severity, code } = error as Error & { severity?: string; code?: string };
  return severity === undefined || code === '57P03' || code === '53300';
}
