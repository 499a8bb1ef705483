/**
 * A connection URL as it may appear in a log line: its password replaced by `***`
 * (`postgres://postgres:***@127.0.0.1:5432/service_import`). Anything that does not parse as a URL
 * is not shown at all, since it could be a secret.
 */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return '[unparseable URL]';
  }
  if (url.password) url.password = '***';
  return url.toString().replace(/\/$/, '');
}

/** `host:port` of a connection URL, with the protocol's default port when none is given. */
export function addressOf(value: string, defaultPort: number): string {
  try {
    const url = new URL(value);
    return `${url.hostname || '127.0.0.1'}:${url.port || defaultPort}`;
  } catch {
    return '[unparseable URL]';
  }
}

/** Where a user is sent when PostgreSQL or Redis is not there at start-up. */
export const START_DEPENDENCIES_SECTION = 'README: Quick start';
