import { describe, expect, it } from 'vitest';
import { FaultSettingsError, faultsOf, parseFaultsEnv, resolveFault } from './fault-settings.js';

describe('resolveFault()', () => {
  it('fills in the catalogue defaults for parameters not given', () => {
    expect(resolveFault('payment', 'payment-latency', { latencyMs: 800 })).toEqual({
      name: 'payment-latency',
      params: { latencyMs: 800, probability: 1 },
    });
  });

  it('accepts numbers given as strings (from the CLI or FAULTS)', () => {
    expect(resolveFault('order', 'slow-query', { rows: '120000' }).params.rows).toBe(120_000);
  });

  it.each([
    ['an unknown fault', 'payment', 'nope', {}, /unknown fault "nope"/],
    ['a fault of another service', 'order', 'payment-latency', {}, /acts in payment, not in the order service/],
    [
      'an unknown parameter',
      'payment',
      'payment-latency',
      { latency: 5 },
      /no parameter "latency"; it takes latencyMs, probability/,
    ],
    ['a value out of range', 'payment', 'payment-errors', { probability: 2 }, /between 0 and 1/],
    ['a value that is not a number', 'payment', 'payment-latency', { latencyMs: 'slow' }, /must be a number/],
  ] as const)('rejects %s with a message that says what is wrong', (_case, service, name, params, message) => {
    expect(() => resolveFault(service, name, params as Record<string, unknown>)).toThrow(FaultSettingsError);
    expect(() => resolveFault(service, name, params as Record<string, unknown>)).toThrow(message);
  });

  it.each([
    ['nope', {}, 'name'],
    ['slow-query', {}, 'name'],
    ['payment-latency', { latency: 5 }, 'params.latency'],
    ['payment-errors', { probability: 2 }, 'params.probability'],
  ] as const)('names the field at fault in %s %j, for a 400 that says which', (name, params, field) => {
    const error = (() => {
      try {
        resolveFault('payment', name, params as Record<string, unknown>);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ field });
  });
});

describe('parseFaultsEnv()', () => {
  it('reads several faults with parameters and skips those of other services', () => {
    const value = 'payment-latency:latencyMs=900,probability=0.5; slow-query ;event-loop-block';
    expect(parseFaultsEnv('payment', value)).toEqual([
      { name: 'payment-latency', params: { latencyMs: 900, probability: 0.5 } },
      { name: 'event-loop-block', params: { blockMs: 200, probability: 1 } },
    ]);
    expect(parseFaultsEnv('order', value).map((f) => f.name)).toEqual(['slow-query']);
  });

  it('is empty when unset and refuses malformed pairs or unknown names', () => {
    expect(parseFaultsEnv('order', undefined)).toEqual([]);
    expect(() => parseFaultsEnv('order', 'slow-query:rows')).toThrow(/not key=value/);
    expect(() => parseFaultsEnv('order', 'slow-querry')).toThrow(/unknown fault/);
  });
});

describe('faultsOf()', () => {
  it('lists the scenarios a service takes part in', () => {
    expect(faultsOf('notification').map((s) => s.name)).toEqual(['memory-leak', 'consumer-backlog']);
    expect(faultsOf('payment').map((s) => s.name)).toContain('retry-storm');
  });
});
