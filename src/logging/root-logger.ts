import type { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import type { LogConfig } from '../config/app-config';
import { prettyTransport } from './pino-options';

/**
 * The process's first logger, made by main.ts before the configuration is read and before Nest
 * exists, so that every line from the first one is pino's (JSON unless LOG_FORMAT=pretty): a bad
 * configuration, a dependency that is down, Nest's own start-up lines, a crash.
 */
export function createRootLogger(log: LogConfig): Logger {
  return pino({ level: log.level, transport: prettyTransport(log) });
}

/**
 * Nest's LoggerService on a pino logger: Nest's lines until nestjs-pino takes over
 * (`app.useLogger`), with the same fields nestjs-pino writes (`context`, `err`).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest calls error(message, stack, context) as well as error(error, context).
    if (typeof message === 'string' && params.length === 2 && typeof params[0] === 'string') {
      const [stack, context] = params as [string, string];
      this.pino.error({ context, err: { message, stack } }, message);
      return;
    }
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const last = params[params.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
