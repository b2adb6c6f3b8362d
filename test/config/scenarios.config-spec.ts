import { SCENARIOS, type Scenario } from '@app/faults';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, dashboards, knownMetrics, panelsOf } from './support/grafana.js';
import { filesIn } from './support/prometheus-rules.js';

const RULE_FILES = filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml');
const KNOWN = knownMetrics(RULE_FILES);
const BOARDS = dashboards();

/**
 * The catalogue is what the labs and the CLI show: its dashboard panel and metrics must exist in the
 * configs and the code (its alerts, services, scripts and hunt pages: libs/faults/src/catalogue.spec.ts).
 */
describe.each(SCENARIOS as readonly Scenario[])('scenario $name', (entry) => {
  it('points at a dashboard panel that exists', () => {
    const board = BOARDS.find((d) => d.uid === entry.evidence.dashboard.uid);
    expect(board, entry.evidence.dashboard.uid).toBeDefined();
    expect(panelsOf(board!).map((p) => p.title)).toContain(entry.evidence.dashboard.panel);
  });

  it('names metrics the services or exporters really expose', () => {
    for (const metric of entry.evidence.metrics)
      expect(KNOWN.has(metric) || KNOWN.has(`${metric}_bucket`), metric).toBe(true);
  });
});
