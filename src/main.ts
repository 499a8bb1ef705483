import './config/load-env';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { setupApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { bootstrapLogging } from './logging/logging.module';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger('Bootstrap');

  if (config.role === 'worker') {
    const context = await NestFactory.createApplicationContext(
      AppModule.forRoot(config),
      bootstrapLogging(config.log),
    );
    context.useLogger(context.get(PinoLogger));
    context.enableShutdownHooks();
    logger.log('Worker started (APP_ROLE=worker): processing imports, no HTTP server');
    return;
  }
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    bootstrapLogging(config.log),
  );
  app.useLogger(app.get(PinoLogger));
  setupApp(app);
  await app.listen(config.port);
  logger.log(`Listening on ${config.publicBaseUrl} (APP_ROLE=${config.role}); Swagger UI at /docs`);
}

void bootstrap();
