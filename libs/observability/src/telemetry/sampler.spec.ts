import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { SkipTransactionControlSampler, samplerFromEnv, skipsTransactionControl } from './sampler.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const decide = (sampler: ReturnType<typeof samplerFromEnv>, name: string, traceId = TRACE) =>
  sampler.shouldSample(ROOT_CONTEXT, traceId, name, SpanKind.CLIENT, {}, []).decision;

describe('SkipTransactionControlSampler', () => {
  const sampler = new SkipTransactionControlSampler(samplerFromEnv({}));

  it('records no span for BEGIN, START TRANSACTION, COMMIT and ROLLBACK', () => {
    for (const name of [
      'pg.query:BEGIN orders',
      'pg.query:START orders',
      'pg.query:COMMIT payments',
      'pg.query:ROLLBACK orders',
    ]) {
      expect(decide(sampler, name), name).toBe(SamplingDecision.NOT_RECORD);
    }
  });

  it('leaves every query and every other span to the configured sampler', () => {
    for (const name of [
      'pg.query:SELECT orders',
      'pg.query:INSERT orders',
      'pg.query:UPDATE payments',
      'POST /api/orders',
      'payment.authorize',
    ]) {
      expect(decide(sampler, name), name).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    }
    const none = new SkipTransactionControlSampler(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }));
    expect(decide(none, 'pg.query:SELECT orders')).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('samplerFromEnv()', () => {
  it('reads OTEL_TRACES_SAMPLER and its ratio the way the SDK does', () => {
    const tenth = samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' });
    const ids = Array.from({ length: 400 }, (_, i) =>
      (i * 2654435761).toString(16).padStart(8, '0').repeat(4).slice(0, 32),
    );
    const sampled = ids.filter((id) => decide(tenth, 'x', id) === SamplingDecision.RECORD_AND_SAMPLED).length;
    expect(sampled).toBeGreaterThan(10);
    expect(sampled).toBeLessThan(100);
    expect(samplerFromEnv({}).toString()).toMatch(/ParentBased.*AlwaysOn/);
  });
});

describe('skipsTransactionControl()', () => {
  it('is off unless TRACE_TRANSACTION_CONTROL=false', () => {
    expect(skipsTransactionControl({})).toBe(false);
    expect(skipsTransactionControl({ TRACE_TRANSACTION_CONTROL: 'true' })).toBe(false);
    expect(skipsTransactionControl({ TRACE_TRANSACTION_CONTROL: 'false' })).toBe(true);
  });
});
