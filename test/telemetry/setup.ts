// Starts OpenTelemetry in the test process the way the preload does in a
// service — the ESM loader hook first, then the SDK — but with an in-memory
// exporter, before the test imports Nest, express, pino or undici.
import { register } from 'import-in-the-middle/register-hooks.mjs';
import { HOOKED_MODULES } from '../../libs/observability/src/telemetry/env.js';

register({ include: HOOKED_MODULES });
process.env.OTEL_SERVICE_NAME ??= 'in-process';

const { InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace');
const { startTelemetry } = await import('../../libs/observability/src/telemetry/sdk.js');

const exporter = new InMemorySpanExporter();
(globalThis as { spanExporter?: unknown }).spanExporter = exporter;
if (!startTelemetry({ serviceVersion: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] })) {
  throw new Error('telemetry did not start');
}
