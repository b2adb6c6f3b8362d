/** Paths that are infrastructure, not traffic: never traced, never logged per request, never in RED metrics. */
export const INFRA_PATHS = /^\/(health|metrics)(\/|\?|$)/;

export function isInfraPath(url: string | undefined): boolean {
  return INFRA_PATHS.test(url ?? '');
}

/** Instrumentations this kit uses; the rest of auto-instrumentations-node stays off (fs, dns, net are noise). */
export const DEFAULT_INSTRUMENTATIONS = ['http', 'express', 'nestjs-core', 'pg', 'amqplib', 'undici', 'pino'];

/** Modules the ESM loader hook has to wrap for those instrumentations. */
export const HOOKED_MODULES = [
  'http',
  'https',
  'express',
  'pg',
  'pg-pool',
  'amqplib',
  'pino',
  'undici',
  '@nestjs/core',
];

export function isTelemetryDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return String(env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true';
}

export function hasOtlpEndpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Whether spans leave the process: an OTLP endpoint, or an explicit
 * OTEL_TRACES_EXPORTER (console, otlp, none…). Without either, spans are still
 * recorded — logs and exemplars need their ids — but exported nowhere.
 */
export function exportsTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  return hasOtlpEndpoint(env) || Boolean(env.OTEL_TRACES_EXPORTER);
}

/**
 * The standard OTEL_* variables, with this kit's defaults filled in where the
 * user set nothing: no OTel metrics or logs exporters (Prometheus scrapes
 * prom-client; logs go to stdout), only this kit's instrumentations, and the
 * service name, version and environment on the resource.
 */
export function applyDefaults(env: NodeJS.ProcessEnv, serviceVersion: string, entry = process.argv[1] ?? ''): void {
  // Compose passes `OTEL_X: ${OTEL_X:-}`; an empty value means unset.
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') && env[key] === '') delete env[key];
  // `node … dist/apps/order/src/main.js` is the order service unless told otherwise.
  const fromEntry = /apps[\\/]([a-z-]+)[\\/]src[\\/]main\.[jt]s$/.exec(entry)?.[1];
  if (!env.OTEL_SERVICE_NAME && fromEntry) env.OTEL_SERVICE_NAME = fromEntry;
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  env.OTEL_NODE_ENABLED_INSTRUMENTATIONS ??= DEFAULT_INSTRUMENTATIONS.join(',');
  const attributes = env.OTEL_RESOURCE_ATTRIBUTES ?? '';
  const extra: string[] = [];
  if (!/(^|,)\s*service\.version=/.test(attributes)) extra.push(`service.version=${serviceVersion}`);
  if (!/(^|,)\s*deployment\.environment(\.name)?=/.test(attributes)) {
    extra.push(`deployment.environment.name=${env.NODE_ENV ?? 'development'}`);
  }
  if (extra.length > 0) env.OTEL_RESOURCE_ATTRIBUTES = [attributes, ...extra].filter(Boolean).join(',');
}
