import { describe, expect, it } from 'vitest';
import { FaultNotOnError, MysteryOnError, withFault, withoutFault } from './fault-changes.js';

const latency = { name: 'payment-latency', params: { latencyMs: 800, probability: 1 } };
const errors = { name: 'payment-errors', params: { probability: 0.3, status: 503 } };

describe('withFault()', () => {
  it('switches a fault on beside the others', () => {
    expect(withFault({ faults: [errors], marker: null }, latency)).toEqual({ faults: [errors, latency], marker: null });
  });

  it('replaces the parameters of a fault that is on already', () => {
    const slower = { ...latency, params: { latencyMs: 2000, probability: 1 } };
    expect(withFault({ faults: [latency, errors], marker: null }, slower).faults).toEqual([errors, slower]);
  });

  it('refuses while a mystery is on, without naming where it acts, unless the request names the mystery', () => {
    const mystery = { faults: [errors], marker: 'mystery-abcd1234' };
    expect(() => withFault(mystery, latency)).toThrow(MysteryOnError);
    expect(() => withFault(mystery, latency)).toThrow(/^a mystery scenario \(mystery-abcd1234\) is on: guess it/);
    expect(() => withFault(mystery, latency)).not.toThrow(/payment-errors/);
    expect(() => withFault(mystery, latency, 'mystery-00000000')).toThrow(MysteryOnError);
    expect(withFault(mystery, latency, 'mystery-abcd1234')).toEqual({
      faults: [errors, latency],
      marker: 'mystery-abcd1234',
    });
  });

  it('refuses a marker when no mystery is on: one fault cannot start a mystery', () => {
    expect(() => withFault({ faults: [], marker: null }, latency, 'mystery-abcd1234')).toThrow(
      /no mystery scenario is on/,
    );
  });
});

describe('withoutFault()', () => {
  it('switches one fault off and keeps the others', () => {
    expect(withoutFault({ faults: [latency, errors], marker: null }, 'payment-latency', 'payment')).toEqual({
      faults: [errors],
      marker: null,
    });
  });

  it('says so when the fault is not on', () => {
    expect(() => withoutFault({ faults: [errors], marker: null }, 'payment-latency', 'payment')).toThrow(
      FaultNotOnError,
    );
    expect(() => withoutFault({ faults: [errors], marker: null }, 'payment-latency', 'payment')).toThrow(
      'fault "payment-latency" is not on in the payment service',
    );
  });

  it('refuses while a mystery is on before it says whether the fault is on', () => {
    expect(() => withoutFault({ faults: [], marker: 'mystery-abcd1234' }, 'payment-latency', 'payment')).toThrow(
      MysteryOnError,
    );
    expect(
      withoutFault({ faults: [latency], marker: 'mystery-abcd1234' }, 'payment-latency', 'payment', 'mystery-abcd1234'),
    ).toEqual({
      faults: [],
      marker: 'mystery-abcd1234',
    });
  });
});
