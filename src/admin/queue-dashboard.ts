import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import helmet from 'helmet';
import { AppConfig } from '../config/app-config';
import { IMPORT_QUEUE } from '../import/queue/import-queue.constants';
import { apiKeyMiddleware } from './admin-auth';
import { DashboardQueueAdapter, dashboardErrorResponse } from './dashboard-queue-adapter';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Mounts the Bull queue dashboard (@bull-board) at /admin/queues, for operator keys only. It is
 * plain Express, outside Nest's routing, so neither the global guard nor the /api prefix applies.
 *
 * Read-only on purpose: an import's state lives in PostgreSQL and changes through the API (cancel),
 * so retrying, removing or cleaning Bull jobs by hand would only fight the sweeper.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const config = app.get(AppConfig);
  const queue = app.get<Queue>(getQueueToken(IMPORT_QUEUE));
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [new DashboardQueueAdapter(queue, { readOnlyMode: true, displayName: 'Imports' })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'service-import', hideDocsLink: true } },
  });
  // After createBullBoard, which installs its own (a 500 with the error's message). Its type lists
  // the statuses bull-board itself uses; the Express adapter sends any (here 503).
  serverAdapter.setErrorHandler(dashboardErrorResponse as Parameters<ExpressAdapter['setErrorHandler']>[0]);
  app.use(
    QUEUE_DASHBOARD_PATH,
    dashboardHeaders(),
    apiKeyMiddleware(config.auth.apiKeys, 'service-import queue dashboard', config.auth.adminKeyNames),
    serverAdapter.getRouter() as ReturnType<typeof dashboardHeaders>,
  );
}

/**
 * The dashboard is a page, so it gets helmet's default Content-Security-Policy (same-origin scripts,
 * inline styles) in place of the API's `default-src 'none'`, like Swagger UI; without
 * `upgrade-insecure-requests`, which would break it on plain http.
 */
function dashboardHeaders() {
  return helmet({
    contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  });
}
