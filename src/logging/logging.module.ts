import { ConsoleLogger, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, LogConfig } from '../config/app-config';
import { pinoHttpOptions } from './pino-options';

/**
 * Structured logs: pino for request logs (pino-http) and, once main.ts calls
 * `app.useLogger(app.get(Logger))`, for every Nest `Logger` too. Lines about an import carry its code
 * as a field: `logger.log(jobLog(code, 'message'))`.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: pinoHttpOptions(config.log),
        forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
      }),
    }),
  ],
})
export class LoggingModule {}

/**
 * The Nest options of main.ts: logs are buffered until pino takes over (`app.useLogger`), and what
 * happens before that (a start-up that fails) is still one JSON object a line unless LOG_FORMAT=pretty.
 */
export function bootstrapLogging(log: LogConfig): { bufferLogs: true; logger?: ConsoleLogger } {
  if (log.format === 'pretty') return { bufferLogs: true };
  return { bufferLogs: true, logger: new ConsoleLogger({ json: true, colors: false }) };
}
