import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of a Prometheus rule file and a promtool test file these checks read. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RecordingRule {
  record: string;
  expr: string;
}

interface RuleFile {
  groups: { name: string; rules: (AlertRule | RecordingRule)[] }[];
}

export interface ExpectedAlert {
  exp_labels?: Record<string, string>;
  exp_annotations?: Record<string, string>;
}

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: ExpectedAlert[] | null;
}

export interface PromqlExprTest {
  expr: string;
  eval_time: string;
}

export interface UnitTestFile {
  rule_files: string[];
  tests: { name?: string; alert_rule_test?: AlertRuleTest[]; promql_expr_test?: PromqlExprTest[] }[];
}

export function readYaml<T>(file: string): T {
  return parse(readFileSync(file, 'utf8')) as T;
}

/** Files in a folder with one of the extensions, as full paths, sorted. */
export function filesIn(dir: string, ...extensions: string[]): string[] {
  return readdirSync(dir)
    .filter((name) => extensions.some((ext) => name.endsWith(ext)))
    .sort()
    .map((name) => join(dir, name));
}

function rulesOf(files: string[]): (AlertRule | RecordingRule)[] {
  return files.flatMap((file) => readYaml<RuleFile>(file).groups.flatMap((g) => g.rules));
}

export function alertRules(files: string[]): AlertRule[] {
  return rulesOf(files).filter((r): r is AlertRule => 'alert' in r);
}

export function recordingRules(files: string[]): RecordingRule[] {
  return rulesOf(files).filter((r): r is RecordingRule => 'record' in r);
}

/** `HighP95Latency` → `high-p95-latency`, `DbPoolSaturation` → `db-pool-saturation`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Labels fixed in the rule (not templated): with the alert name they tell its rules apart. */
export function staticLabels(rule: AlertRule): Record<string, string> {
  return Object.fromEntries(Object.entries(rule.labels ?? {}).filter(([, value]) => !value.includes('{{')));
}

/** A readable id: `HighErrorRatio{severity="critical"}`. */
export function ruleId(rule: AlertRule): string {
  const labels = Object.entries(staticLabels(rule)).map(([k, v]) => `${k}="${v}"`);
  return `${rule.alert}{${labels.join(', ')}}`;
}

/** Is this expected alert one that `rule` produces (same name, same fixed labels)? */
function expects(rule: AlertRule, alert: ExpectedAlert): boolean {
  return Object.entries(staticLabels(rule)).every(([k, v]) => alert.exp_labels?.[k] === v);
}

export interface Coverage {
  /** Test cases that expect the rule to fire. */
  firing: AlertRuleTest[];
  /** Test cases for the rule's alert name in which this rule stays silent. */
  silent: AlertRuleTest[];
}

export function coverageOf(rule: AlertRule, testFiles: UnitTestFile[]): Coverage {
  const cases = testFiles
    .flatMap((f) => f.tests)
    .flatMap((t) => t.alert_rule_test ?? [])
    .filter((c) => c.alertname === rule.alert);
  const fires = (c: AlertRuleTest) => (c.exp_alerts ?? []).some((a) => expects(rule, a));
  return { firing: cases.filter(fires), silent: cases.filter((c) => !fires(c)) };
}

/** Every expression the promql_expr_test cases evaluate. */
export function testedExpressions(testFiles: UnitTestFile[]): string[] {
  return testFiles.flatMap((f) => f.tests).flatMap((t) => (t.promql_expr_test ?? []).map((c) => c.expr));
}
