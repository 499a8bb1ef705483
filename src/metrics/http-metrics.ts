import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/**
 * HTTP request durations by method, route template and status. Labelled by the route that matched
 * (`/api/service-imports/:code`), never the raw URL, so the series stay few; a request no route
 * matched is `(unmatched)`.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request durations, by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Express middleware; registered first so it also times what other middleware answers (401, 429). */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.duration.startTimer();
      res.once('finish', () =>
        end({ method: req.method, route: routeOf(req), status_code: String(res.statusCode) }),
      );
      next();
    };
  }
}

/** Mount-point routers (the queue dashboard) and express routes; evaluated once the response is sent. */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.baseUrl) return `${req.baseUrl}/*`;
  return '(unmatched)';
}
