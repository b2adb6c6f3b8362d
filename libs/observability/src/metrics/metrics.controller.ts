import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Request, Response } from 'express';
import { Registry } from 'prom-client';
import { toPrometheusText } from './prometheus-text.js';
import { metricsRegistry } from './registry.js';

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * GET /metrics with content negotiation: OpenMetrics (with exemplars that
 * carry trace_id) when the scraper asks for it — Prometheus does — and the
 * classic text format otherwise (curl, a browser).
 */
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @Header('Cache-Control', 'no-store')
  override async index(@Res({ passthrough: true }) response: Response, @Req() request?: Request): Promise<string> {
    const accept = String(request?.headers.accept ?? '');
    if (accept.includes('application/openmetrics-text')) {
      response.header('Content-Type', Registry.OPENMETRICS_CONTENT_TYPE);
      return metricsRegistry.metrics();
    }
    response.header('Content-Type', PROMETHEUS_CONTENT_TYPE);
    return toPrometheusText(await metricsRegistry.getMetricsAsJSON());
  }
}
