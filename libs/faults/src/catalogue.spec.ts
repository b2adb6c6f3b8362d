import { describe, expect, it } from 'vitest';
import { SCENARIOS, SCENARIO_NAMES, type Scenario, scenario } from './catalogue.js';

const REQUIRED = [
  'payment-latency',
  'payment-errors',
  'slow-query',
  'n-plus-one',
  'pool-exhaustion',
  'event-loop-block',
  'memory-leak',
  'consumer-backlog',
  'sequential-calls',
  'retry-storm',
  'downstream-down',
  'log-flood',
];

describe('the scenario catalogue', () => {
  it('has the twelve workshop scenarios, each named once', () => {
    expect([...SCENARIO_NAMES].sort()).toEqual([...REQUIRED].sort());
    expect(new Set(SCENARIO_NAMES).size).toBe(SCENARIO_NAMES.length);
  });

  it.each(SCENARIOS as readonly Scenario[])('$name has defaults inside its ranges and acts in known services', (entry) => {
    expect(entry.services.length).toBeGreaterThan(0);
    for (const service of entry.services) expect(['gateway', 'order', 'payment', 'notification']).toContain(service);
    for (const [key, param] of Object.entries(entry.params)) {
      expect(param.min, key).toBeLessThanOrEqual(param.default);
      expect(param.default, key).toBeLessThanOrEqual(param.max);
      expect(param.description.length, key).toBeGreaterThan(10);
    }
  });

  it.each(SCENARIOS as readonly Scenario[])('$name says what each pillar shows and how to fix it', (entry) => {
    expect(entry.symptom.length).toBeGreaterThan(20);
    expect(entry.fix.length).toBeGreaterThan(20);
    expect(entry.evidence.metrics.length).toBeGreaterThan(0);
    expect(entry.evidence.trace.shows.length).toBeGreaterThan(20);
    expect(entry.evidence.logs.length).toBeGreaterThan(20);
    expect(entry.services).toContain(entry.evidence.trace.culprit);
  });

  it('finds a scenario by name and nothing for an unknown one', () => {
    expect(scenario('slow-query')?.services).toEqual(['order']);
    expect(scenario('nope')).toBeUndefined();
  });
});
