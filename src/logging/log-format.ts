import type { LogConfig } from '../config/app-config';

/**
 * LOG_FORMAT when it is not set: `pretty` for a developer at a terminal (NODE_ENV=development with
 * stdout a TTY, and the pino-pretty dev dependency installed), `json` everywhere else (containers,
 * pipes, CI, production), where logs are read by machines.
 */
export function defaultLogFormat(
  nodeEnv: string,
  stdoutIsTty: boolean,
  pretty: boolean,
): LogConfig['format'] {
  return nodeEnv === 'development' && stdoutIsTty && pretty ? 'pretty' : 'json';
}

/** pino-pretty is a development dependency: a production image asked for pretty logs writes JSON. */
export function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
