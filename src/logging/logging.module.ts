import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
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
