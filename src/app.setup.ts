import { INestApplication, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AllExceptionsFilter } from './common/all-exceptions.filter';

/**
 * Everything main.ts does to the HTTP application, in one place so the e2e tests run the app
 * exactly as it is deployed.
 */
export function setupApp(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: ['health', 'docs', 'docs-json'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('service-import')
      .setDescription(
        'Imports CSV files of client billable services as background jobs. Upload a CSV, poll the job by its code, ' +
          'then download the rows that were not imported.',
      )
      .setVersion('1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
