import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type UnitTestFile,
  alertRules,
  coverageOf,
  filesIn,
  kebab,
  readYaml,
  recordingRules,
  ruleId,
  testedExpressions,
} from './support/prometheus-rules.js';
import { promtool } from '../support/tools.js';

// Runs the promtool of the Prometheus release compose runs (tools/go.mod; `node scripts/ci/tools.mjs`).
const ROOT = resolve(import.meta.dirname, '../..');
const PROMETHEUS_DIR = join(ROOT, 'observability/prometheus');
const CONFIG = join(PROMETHEUS_DIR, 'prometheus.yml');
const RULE_FILES = filesIn(join(PROMETHEUS_DIR, 'rules'), '.yml', '.yaml');
const TEST_FILES = filesIn(join(PROMETHEUS_DIR, 'tests'), '.yml', '.yaml');
const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');

const RUNBOOK_BASE = 'http://localhost:3300/';
const GRAFANA = 'http://localhost:3100';
const DASHBOARD_UIDS = ['service-overview', 'nodejs-runtime', 'business', 'rabbitmq-postgres', 'bottleneck-hunting'];
const SEVERITIES = ['critical', 'warning', 'info'];

const ALERTS = alertRules(RULE_FILES);
const RECORDINGS = recordingRules(RULE_FILES);
const UNIT_TESTS = TEST_FILES.map((file) => readYaml<UnitTestFile>(file));

const rel = (file: string) => relative(ROOT, file);

describe('Prometheus configuration', () => {
  describe('promtool', () => {
    it('accepts prometheus.yml and the rule files it loads', async () => {
      const run = await promtool('check', 'config', rel(CONFIG));
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain(`SUCCESS: ${RULE_FILES.length} rule files found`);
    });

    it('accepts every rule file without lint findings', async () => {
      const run = await promtool('check', 'rules', ...RULE_FILES.map(rel));
      expect(run.code, run.output).toBe(0);
      expect(run.output, run.output).not.toMatch(/FAILED|WARNING/i);
    });

    it('passes every rule unit test', async () => {
      expect(TEST_FILES.length).toBeGreaterThan(0);
      const run = await promtool('test', 'rules', ...TEST_FILES.map(rel));
      expect(run.code, run.output).toBe(0);
      expect(run.output).not.toContain('FAILED');
      // ~9 s of CPU: the availability cases evaluate warm hours every 15 s.
    }, 180_000);
  });

  describe('alert rules', () => {
    it('exist', () => {
      expect(ALERTS.length).toBeGreaterThan(0);
    });

    it.each(ALERTS.map((rule) => [ruleId(rule), rule] as const))(
      '%s has a severity, a service and every annotation',
      (_id, rule) => {
        expect(SEVERITIES).toContain(rule.labels?.severity);
        expect(rule.labels?.service, 'the service label routes and inhibits in Alertmanager').toBeTruthy();
        expect(rule.annotations?.summary).toBeTruthy();
        expect(rule.annotations?.description, 'the description shows $labels or $value').toMatch(
          /\{\{.*\$(labels|value).*\}\}/,
        );
        expect(rule.annotations?.runbook_url).toBeTruthy();
        expect(rule.annotations?.dashboard).toBeTruthy();
      },
    );

    it.each(ALERTS.map((rule) => [ruleId(rule), rule] as const))(
      '%s links to its runbook page in this repository',
      (_id, rule) => {
        const page = `${kebab(rule.alert)}.md`;
        expect(rule.annotations?.runbook_url).toBe(`${RUNBOOK_BASE}${page}`);
        expect(existsSync(join(RUNBOOKS_DIR, page)), `docs/runbooks/${page} is missing`).toBe(true);
      },
    );

    it.each(ALERTS.map((rule) => [ruleId(rule), rule] as const))(
      '%s links to one of the provisioned Grafana dashboards',
      (_id, rule) => {
        const uid = rule.annotations?.dashboard?.match(/^http:\/\/localhost:3100\/d\/([\w-]+)$/)?.[1];
        expect(uid, `dashboard should be ${GRAFANA}/d/<uid>`).toBeDefined();
        expect(DASHBOARD_UIDS).toContain(uid);
      },
    );

    it.each(ALERTS.map((rule) => [ruleId(rule), rule] as const))(
      '%s has a promtool case where it fires and one where it stays silent',
      (_id, rule) => {
        const { firing, silent } = coverageOf(rule, UNIT_TESTS);
        expect(firing.length, 'no alert_rule_test expects it to fire').toBeGreaterThan(0);
        expect(silent.length, 'no alert_rule_test expects it to stay silent').toBeGreaterThan(0);
      },
    );

    it('leave no runbook page without an alert', () => {
      const pages = new Set(ALERTS.map((rule) => `${kebab(rule.alert)}.md`));
      const orphans = filesIn(RUNBOOKS_DIR, '.md')
        .map((file) => basename(file))
        .filter((name) => name !== 'README.md' && !pages.has(name));
      expect(orphans).toEqual([]);
    });
  });

  describe('recording rules', () => {
    it('follow the level:metric:operations naming convention', () => {
      const badNames = RECORDINGS.map((r) => r.record).filter((name) => !/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/.test(name));
      expect(badNames).toEqual([]);
    });

    it('are each evaluated by a promql_expr_test', () => {
      const expressions = testedExpressions(UNIT_TESTS);
      const untested = RECORDINGS.map((r) => r.record).filter(
        (name) => !expressions.some((expr) => new RegExp(`(^|[^\\w:])${name}([^\\w:]|$)`).test(expr)),
      );
      expect(untested).toEqual([]);
    });

    it('never match on bucket boundaries, which Prometheus 3 writes as floats (le="1.0")', () => {
      const withLe = [...RECORDINGS, ...ALERTS].filter((r) => /\ble\s*=~?\s*"/.test(r.expr));
      expect(withLe).toEqual([]);
    });
  });
});
