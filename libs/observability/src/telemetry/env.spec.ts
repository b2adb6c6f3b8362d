import { describe, expect, it } from 'vitest';
import { applyDefaults, exportsTraces, isInfraPath, isTelemetryDisabled } from './env.js';

describe('applyDefaults()', () => {
  it('names the service after its entry file and fills in version and environment', () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
    applyDefaults(env, '1.2.3', '/app/dist/apps/payment/src/main.js');
    expect(env.OTEL_SERVICE_NAME).toBe('payment');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe('service.version=1.2.3,deployment.environment.name=production');
    expect(env.OTEL_METRICS_EXPORTER).toBe('none');
    expect(env.OTEL_LOGS_EXPORTER).toBe('none');
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.split(',')).toEqual(
      expect.arrayContaining(['http', 'express', 'pg', 'amqplib', 'undici', 'pino']),
    );
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).not.toMatch(/\b(fs|dns|net)\b/);
  });

  it('treats an empty OTEL_ variable as unset', () => {
    const env: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: '' };
    applyDefaults(env, '1.0.0', 'dist/apps/gateway/src/main.js');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(env.OTEL_SERVICE_NAME).toBe('gateway');
    expect(exportsTraces(env)).toBe(false);
  });

  it('keeps what the user set', () => {
    const env: NodeJS.ProcessEnv = {
      OTEL_SERVICE_NAME: 'custom',
      OTEL_RESOURCE_ATTRIBUTES: 'service.version=9,deployment.environment=staging',
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http',
    };
    applyDefaults(env, '1.2.3', 'dist/apps/order/src/main.js');
    expect(env.OTEL_SERVICE_NAME).toBe('custom');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe('service.version=9,deployment.environment=staging');
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).toBe('http');
  });
});

describe('telemetry switches', () => {
  it('reads OTEL_SDK_DISABLED and whether traces leave the process', () => {
    expect(isTelemetryDisabled({ OTEL_SDK_DISABLED: 'true' })).toBe(true);
    expect(isTelemetryDisabled({})).toBe(false);
    expect(exportsTraces({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toBe(true);
    expect(exportsTraces({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(exportsTraces({})).toBe(false);
  });

  it('treats health and metrics as infrastructure, not traffic', () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/metrics?x=1'])
      expect(isInfraPath(path)).toBe(true);
    for (const path of ['/api/orders', '/healthz-like', '/metricsx']) expect(isInfraPath(path)).toBe(false);
  });
});
