import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { IncomingMessage } from 'node:http';
import { applyDefaults, exportsTraces, isInfraPath } from './env.js';
import { kitResource, resourceDetectors } from './resource.js';
import { SkipTransactionControlSampler, samplerFromEnv, skipsTransactionControl } from './sampler.js';

let sdk: NodeSDK | undefined;
let stopping: Promise<void> | undefined;

export interface TelemetryOptions {
  serviceVersion: string;
  /** Extra processors (tests add an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
}

/**
 * Starts the OpenTelemetry Node SDK from the standard OTEL_* variables. Never
 * throws: an app without telemetry is better than an app that does not start.
 */
export function startTelemetry(options: TelemetryOptions): boolean {
  if (sdk) return true;
  try {
    if (process.env.OTEL_LOG_LEVEL) diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
    applyDefaults(process.env);
    sdk = new NodeSDK({
      // The kit's defaults under what the detectors find; the env detector (OTEL_SERVICE_NAME,
      // OTEL_RESOURCE_ATTRIBUTES) comes last, so the user's values win.
      resource: kitResource(options.serviceVersion),
      resourceDetectors: resourceDetectors(),
      // Undefined lets the SDK build exporters from OTEL_* variables.
      spanProcessors: options.spanProcessors ?? (exportsTraces() ? undefined : [new NoopSpanProcessor()]),
      // Undefined lets the SDK read OTEL_TRACES_SAMPLER; the knob wraps that same sampler.
      sampler: skipsTransactionControl() ? new SkipTransactionControlSampler(samplerFromEnv()) : undefined,
      instrumentations: getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req: IncomingMessage) => isInfraPath(req.url),
        },
        // Express still names the HTTP span by its route; its per-middleware spans are noise
        // in a workshop waterfall, and the handler span comes from HandlerSpanInterceptor.
        '@opentelemetry/instrumentation-express': {
          ignoreLayersType: ['middleware', 'request_handler', 'router'] as never[],
        },
        // Only queries: a span per pool connect adds a third of a trace's spans and says little
        // (a starved pool shows as query latency and in db_pool_* gauges).
        '@opentelemetry/instrumentation-pg': { requireParentSpan: true, ignoreConnectSpans: true },
        '@opentelemetry/instrumentation-pino': { disableLogSending: true },
        '@opentelemetry/instrumentation-amqplib': { useLinksForConsume: false },
      }),
    });
    sdk.start();
    return true;
  } catch (error) {
    process.stderr.write(`[telemetry] disabled: ${(error as Error)?.message ?? error}\n`);
    sdk = undefined;
    return false;
  }
}

/** How long shutdown waits for the last export; a dead collector must not hold the process. */
const FLUSH_BUDGET_MS = 3_000;

/** Flushes and stops the SDK; call after the app closed so its last spans are exported. Idempotent. */
export function shutdownTelemetry(): Promise<void> {
  if (!sdk) return Promise.resolve();
  const warn = (message: string): void => {
    process.stderr.write(`[telemetry] ${message}\n`);
  };
  stopping ??= Promise.race<void>([
    sdk.shutdown().catch((error: unknown) => warn(`flush on shutdown failed: ${(error as Error)?.message ?? error}`)),
    new Promise<void>((resolve) =>
      setTimeout(() => {
        warn(`flush on shutdown gave up after ${FLUSH_BUDGET_MS} ms (is the OTLP endpoint reachable?)`);
        resolve();
      }, FLUSH_BUDGET_MS).unref(),
    ),
  ]);
  return stopping ?? Promise.resolve();
}
