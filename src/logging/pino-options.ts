import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import type { LogConfig } from '../config/app-config';
import { prettyAvailable } from './log-format';

/** An import code as it appears in URLs: 16 random bytes, base64url. */
const IMPORT_CODE_IN_URL = /^\/api\/service-imports\/([A-Za-z0-9_-]{22})(?:[/?]|$)/;
/** Probes and scrapes: every few seconds each, nothing worth a log line unless they fail. */
const QUIET_PATHS = new Set(['/health', '/metrics']);

/**
 * pino (through pino-http) for the whole process: one JSON object a line at LOG_LEVEL, pretty
 * only when LOG_FORMAT=pretty. Request lines carry the import code when the URL names a job, and
 * credentials never reach a log.
 */
export function pinoHttpOptions(log: LogConfig): Options {
  return {
    level: log.level,
    transport: prettyTransport(log),
    // Application lines logged during a request carry only its id, not the whole request again.
    quietReqLogger: true,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      censor: '[redacted]',
    },
    // The status is what matters of a response; its headers are the same on every line.
    serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    autoLogging: {
      ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]),
    },
    // Successful reads are polls (clients poll an import every second or so): logging each at info
    // costs more than answering it, so they go to debug. Writes, client errors and failures stay visible.
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode < 400 && (req.method === 'GET' || req.method === 'HEAD')) return 'debug';
      return 'info';
    },
    customProps: (req: IncomingMessage, _res: ServerResponse) => {
      const code = importCodeOf(req.url ?? '');
      return code ? { importCode: code } : {};
    },
  };
}

/** The import code a request URL names (`/api/service-imports/{code}[/...]`), if any. */
export function importCodeOf(url: string): string | null {
  return IMPORT_CODE_IN_URL.exec(url)?.[1] ?? null;
}

/** pino's transport for LOG_FORMAT=pretty (JSON when pino-pretty is not installed). */
export function prettyTransport(log: LogConfig): { target: string } | undefined {
  return log.format === 'pretty' && prettyAvailable() ? { target: 'pino-pretty' } : undefined;
}
