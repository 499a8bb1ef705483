import './config/load-env';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { ConfigError, loadConfig, loadLogConfig } from './config/app-config';
import { waitForDatabase } from './database/wait-for-database';
import { createRootLogger, PinoNestLogger } from './logging/root-logger';

// pino from the first line on: a bad configuration, a dependency that is down, Nest's start-up and a
// crash are log lines like every other (JSON unless LOG_FORMAT=pretty).
const rootLogger = createRootLogger(loadLogConfig());
process.on('uncaughtException', (error) => exitWith(error, 'Uncaught exception'));
process.on('unhandledRejection', (reason) => exitWith(reason, 'Unhandled promise rejection'));

function exitWith(error: unknown, what: string): never {
  const err = error instanceof Error ? error : new Error(String(error));
  rootLogger.fatal({ err }, `${what}: ${err.message}`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      rootLogger.fatal({ problems: error.problems }, `Invalid configuration: ${error.problems.join('; ')}`);
      process.exit(1);
    }
    throw error;
  }
  if (!(await waitForDatabase(config.databaseUrl, config.databaseConnectRetries, rootLogger))) {
    process.exit(1);
  }
  // Nest's lines go to the same pino until nestjs-pino takes over; a failure is thrown to the catch below.
  const nestOptions = { logger: new PinoNestLogger(rootLogger), bufferLogs: true, abortOnError: false };
  const logger = new Logger('Bootstrap');

  if (config.role === 'worker') {
    const context = await NestFactory.createApplicationContext(AppModule.forRoot(config), nestOptions);
    context.useLogger(context.get(PinoLogger));
    context.enableShutdownHooks();
    logger.log('Worker started (APP_ROLE=worker): processing imports, no HTTP server');
    return;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), nestOptions);
  app.useLogger(app.get(PinoLogger));
  setupApp(app);
  await app.listen(config.port);
  logger.log(`Listening on ${config.publicBaseUrl} (APP_ROLE=${config.role}); Swagger UI at /docs`);
}

bootstrap().catch((error) => exitWith(error, 'Start-up failed'));
