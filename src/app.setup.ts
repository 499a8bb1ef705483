import { INestApplication, ValidationPipe } from '@nestjs/common';
import type { Server } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { applyApiSecurity, declareApiKeySchemes } from './auth/swagger-security';
import { AppConfig } from './config/app-config';
import { LICENSE_PATH, serveLicense } from './common/license';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { useCheckedBodyParsers } from './common/request-body';
import { noStore, securityHeaders } from './common/security-headers';
import { HttpMetrics } from './metrics/http-metrics';
import { serveImportPage } from './page/import-page';

/**
 * Everything main.ts does to the HTTP application, in one place so the e2e tests run the app
 * exactly as it is deployed.
 */
export function setupApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  app.use(app.get(HttpMetrics).middleware()); // first, to time every answer
  app.use(securityHeaders('/docs'));
  app.use('/api', noStore);
  useCheckedBodyParsers(app);
  app.setGlobalPrefix('api', { exclude: ['health', 'docs', 'docs-json', 'metrics'] });
  mountQueueDashboard(app);
  serveLicense(app);
  serveImportPage(app);
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
  keepConnectionsAlive(app.getHttpServer());

  const document = SwaggerModule.createDocument(
    app,
    declareApiKeySchemes(new DocumentBuilder())
      .setTitle('service-import')
      .setDescription(
        'Imports CSV files of client billable services as background jobs. Upload a CSV, poll the job by its code, ' +
          'then download the rows that were not imported.',
      )
      .setVersion('1.0')
      .addServer(config.publicBaseUrl, 'This service (PUBLIC_BASE_URL)')
      // Tags in the order a reader needs them: Swagger UI lists them so, the imports first.
      .addTag('service-imports', 'Upload a CSV, follow the import, read and download what was not imported')
      .addTag('clients', 'The clients assignments are made to')
      .addTag('billable-services', 'The catalog of billable services')
      .addTag('webhooks', 'Signed HTTP callbacks when an import or a revert ends')
      .addTag('client-billable-services', 'The assignments of catalog services to clients, exported as CSV')
      .addTag('health', 'Liveness of the service and its dependencies')
      .addTag('storage', 'Signed downloads of reports (local storage driver)')
      .build(),
  );
  document.info.license = { name: 'Proprietary (UNLICENSED)', url: `${config.publicBaseUrl}${LICENSE_PATH}` };
  SwaggerModule.setup('docs', app, applyApiSecurity(document), {
    jsonDocumentUrl: 'docs-json',
    // The key entered with Authorize survives a page reload.
    swaggerOptions: { persistAuthorization: true },
  });
}

/**
 * Node closes an idle keep-alive connection after 5 s. A client or load balancer that keeps it longer
 * (AWS ALB: 60 s) may send its next request just as Node closes the socket, and that request fails
 * (a 502 at the balancer, "other side closed" in fetch). Outlast them: 65 s idle, and the headers
 * timeout above it as Node requires.
 */
function keepConnectionsAlive(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}
