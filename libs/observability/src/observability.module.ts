import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { defaultLogFormat, type LoggingEnv, loggerParams } from './logging/logger-options.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { shutdownTelemetry } from './telemetry/sdk.js';
import { HandlerSpanInterceptor } from './tracing/handler-span.interceptor.js';

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

export interface ObservabilityOptions {
  /** The service name: the same string as its folder, compose service, OTEL_SERVICE_NAME and Prometheus job. */
  service: string;
  /** The service's validated config (its env object): the log level and format. */
  env: LoggingEnv;
}

// Default metrics (event loop, GC, heap, CPU) are process-wide: start them once,
// even when a test process boots several services.
let defaultMetricsStarted = false;
function startDefaultMetricsOnce(): boolean {
  if (defaultMetricsStarted) return false;
  defaultMetricsStarted = true;
  return true;
}

/**
 * Logs, metrics and traces for one service: nestjs-pino JSON logs correlated
 * with the active trace, GET /metrics (Prometheus/OpenMetrics with exemplars),
 * a span per Nest handler, and a telemetry flush when the app shuts down.
 * Tracing itself starts earlier, in the `--import` preload (telemetry/register).
 */
@Module({})
export class ObservabilityModule implements OnApplicationShutdown {
  constructor(@Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions) {}

  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRoot(
          loggerParams({
            service: options.service,
            level: options.env.LOG_LEVEL,
            format: defaultLogFormat(options.env),
          }),
        ),
        PrometheusModule.register({
          controller: MetricsController,
          defaultMetrics: { enabled: startDefaultMetricsOnce() },
        }),
      ],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        { provide: APP_INTERCEPTOR, useClass: HandlerSpanInterceptor },
      ],
      exports: [OBSERVABILITY_OPTIONS],
    };
  }

  /** Runs after the HTTP server, consumers and database closed, so their last spans are flushed. */
  async onApplicationShutdown(): Promise<void> {
    await shutdownTelemetry();
  }
}
