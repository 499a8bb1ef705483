import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Registry } from 'prom-client';
import { Public } from '../auth/public.decorator';

/**
 * GET /metrics (outside /api) in the Prometheus text format. Public like /health: it carries counts,
 * never data, and scrapers rarely hold API keys; keep it off the public internet at the proxy.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', this.registry.contentType); // exactly as Prometheus expects it
    res.end(text);
  }
}
