import { describe, expect, it } from 'vitest';
import { applyDefaults, exportsTraces, HOOKED_MODULES, isInfraPath, isTelemetryDisabled } from './env.js';

describe('applyDefaults()', () => {
  it('turns off the OTel metrics and logs exporters and enables only the kit’s instrumentations', () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
    applyDefaults(env);
    expect(env.OTEL_METRICS_EXPORTER).toBe('none');
    expect(env.OTEL_LOGS_EXPORTER).toBe('none');
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS?.split(',')).toEqual(
      expect.arrayContaining(['http', 'express', 'pg', 'amqplib', 'undici', 'pino']),
    );
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).not.toMatch(/\b(fs|dns|net|nestjs-core)\b/);
  });

  it('leaves the resource variables to the SDK', () => {
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
    applyDefaults(env);
    expect(env.OTEL_SERVICE_NAME).toBeUndefined();
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBeUndefined();
  });

  it('treats an empty OTEL_ variable as unset', () => {
    const env: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: '' };
    applyDefaults(env);
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(env.OTEL_SERVICE_NAME).toBeUndefined();
    expect(exportsTraces(env)).toBe(false);
  });

  it('keeps what the user set', () => {
    const env: NodeJS.ProcessEnv = { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http', OTEL_METRICS_EXPORTER: 'otlp' };
    applyDefaults(env);
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).toBe('http');
    expect(env.OTEL_METRICS_EXPORTER).toBe('otlp');
  });
});

describe('HOOKED_MODULES', () => {
  it('wraps the modules of the enabled instrumentations and no others', () => {
    expect(HOOKED_MODULES).toEqual(expect.arrayContaining(['http', 'express', 'pg', 'pg-pool', 'amqplib', 'pino']));
    // undici listens on diagnostics channels; nestjs-core is not enabled.
    expect(HOOKED_MODULES).not.toContain('undici');
    expect(HOOKED_MODULES).not.toContain('@nestjs/core');
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
