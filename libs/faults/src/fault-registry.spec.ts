import { metricsRegistry } from '@app/observability';
import { faultMarker } from '@app/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultRegistry } from './fault-registry.js';
import { resolveFault } from './fault-settings.js';

const latency = (params = {}) => resolveFault('payment', 'payment-latency', params);

describe('FaultRegistry', () => {
  let registry: FaultRegistry | undefined;
  afterEach(() => registry?.set([], null));

  it('answers hit() only for active faults, drawn by their probability', () => {
    const draws = [0.1, 0.9];
    registry = new FaultRegistry('payment', [latency({ probability: 0.5 })], () => draws.shift() ?? 0);
    expect(registry.hit('payment-latency')).toEqual({ latencyMs: 1500, probability: 0.5 });
    expect(registry.hit('payment-latency')).toBeUndefined();
    expect(registry.hit('payment-errors')).toBeUndefined();
    expect(registry.active('payment-latency')).toBeDefined();
  });

  it('marks logs and spans with the fault names, or only the mystery id in mystery mode', () => {
    registry = new FaultRegistry('payment');
    expect(faultMarker()).toBeUndefined();
    registry.set([latency(), resolveFault('payment', 'event-loop-block')], null);
    expect(faultMarker()).toBe('event-loop-block,payment-latency');
    registry.set([latency()], 'mystery-a1b2c3');
    expect(faultMarker()).toBe('mystery-a1b2c3');
    registry.set([], null);
    expect(faultMarker()).toBeUndefined();
    expect(registry.state().marker).toBeNull();
  });

  it('carries the mystery marker without faults, where the mystery does not act, so the marker does not say where it is', async () => {
    registry = new FaultRegistry('payment');
    registry.set([], 'mystery-d4e5f6');
    expect(faultMarker()).toBe('mystery-d4e5f6');
    expect(registry.hit('payment-latency')).toBeUndefined();
    expect(await metricsRegistry.getSingleMetricAsString('workshop_fault_active')).toContain(
      'workshop_fault_active{fault="mystery-d4e5f6"} 1',
    );
    registry.set([], null);
    expect(await metricsRegistry.getSingleMetricAsString('workshop_fault_active')).not.toContain('mystery-d4e5f6');
  });

  it('exports workshop_fault_active for what is on, and drops it when switched off', async () => {
    registry = new FaultRegistry('payment', [latency()]);
    expect(await metricsRegistry.getSingleMetricAsString('workshop_fault_active')).toContain(
      'workshop_fault_active{fault="payment-latency"} 1',
    );
    registry.set([], null);
    expect(await metricsRegistry.getSingleMetricAsString('workshop_fault_active')).not.toContain('payment-latency');
  });

  it('tells listeners about every change', () => {
    registry = new FaultRegistry('payment');
    const seen: string[][] = [];
    const unsubscribe = registry.onChange((state) => seen.push(state.faults.map((f) => f.name)));
    registry.set([latency()], null);
    registry.set([], null);
    unsubscribe();
    registry.set([latency()], null);
    expect(seen).toEqual([['payment-latency'], []]);
  });
});
