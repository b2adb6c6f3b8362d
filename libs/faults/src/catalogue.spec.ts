import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SCENARIOS, SCENARIO_NAMES, type Scenario, scenario } from './catalogue.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const ALL = SCENARIOS as readonly Scenario[];

/** The applications of the monorepo: a service the catalogue names is one of them. */
const APPS = readdirSync(join(ROOT, 'apps'));
/** The alerts Prometheus evaluates (observability/prometheus/rules). */
const ALERTS = new Set(
  readdirSync(join(ROOT, 'observability/prometheus/rules'))
    .filter((f) => f.endsWith('.yml'))
    .flatMap(
      (f) =>
        (
          parse(readFileSync(join(ROOT, 'observability/prometheus/rules', f), 'utf8')) as {
            groups: { rules: { alert?: string }[] }[];
          }
        ).groups,
    )
    .flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : []))),
);

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
  it('has the twelve workshop scenarios, each named once, each with its own title and k6 script', () => {
    expect([...SCENARIO_NAMES].sort()).toEqual([...REQUIRED].sort());
    expect(new Set(SCENARIO_NAMES).size).toBe(SCENARIO_NAMES.length);
    expect(new Set(ALL.map((s) => s.title)).size).toBe(ALL.length);
    expect(new Set(ALL.map((s) => s.load)).size).toBe(ALL.length);
  });

  it.each(ALL)('$name acts only in services of this repository, its trace culprit among them', (entry) => {
    expect(entry.services.length).toBeGreaterThan(0);
    expect(new Set(entry.services).size).toBe(entry.services.length);
    for (const service of entry.services) expect(APPS, `apps/${service}`).toContain(service);
    expect(entry.services).toContain(entry.evidence.trace.culprit);
  });

  it.each(ALL)(
    '$name has parameters a trainer can set: a range, a default inside it, in the unit it names',
    (entry) => {
      for (const [key, param] of Object.entries(entry.params)) {
        expect(param.min, key).toBeLessThan(param.max);
        expect(param.default, key).toBeGreaterThanOrEqual(param.min);
        expect(param.default, key).toBeLessThanOrEqual(param.max);
        if (param.unit === 'ratio') expect([param.min, param.max], key).toEqual([0, 1]);
        if (param.unit === 'status')
          expect(
            [param.min, param.default, param.max].every((s) => Number.isInteger(s) && s >= 500 && s <= 599),
            key,
          ).toBe(true);
        if (['count', 'connections'].includes(param.unit)) expect(Number.isInteger(param.default), key).toBe(true);
        expect(param.description.length, key).toBeGreaterThan(10);
      }
    },
  );

  it.each(ALL)('$name names only alerts that the alert rules define', (entry) => {
    expect(entry.evidence.alerts.filter((alert) => !ALERTS.has(alert))).toEqual([]);
  });

  it.each(ALL)('$name has its k6 script under loadtest/scenarios and a hunt page in English and Korean', (entry) => {
    expect(
      existsSync(join(ROOT, 'loadtest/scenarios', `${entry.load}.js`)),
      `loadtest/scenarios/${entry.load}.js`,
    ).toBe(true);
    for (const language of ['en', 'ko']) {
      expect(
        existsSync(join(ROOT, 'docs/workshop', language, 'hunts', `${entry.name}.md`)),
        `docs/workshop/${language}/hunts/${entry.name}.md`,
      ).toBe(true);
    }
  });

  it.each(ALL)('$name says what each pillar shows and how to fix it', (entry) => {
    expect(entry.symptom.length).toBeGreaterThan(20);
    expect(entry.fix.length).toBeGreaterThan(20);
    expect(entry.evidence.metrics.length).toBeGreaterThan(0);
    expect(entry.evidence.trace.span.length).toBeGreaterThan(0);
    expect(entry.evidence.trace.shows.length).toBeGreaterThan(20);
    expect(entry.evidence.logs.length).toBeGreaterThan(20);
  });

  it('finds a scenario by name and nothing for an unknown one', () => {
    expect(scenario('slow-query')?.services).toEqual(['order']);
    expect(scenario('nope')).toBeUndefined();
  });
});
