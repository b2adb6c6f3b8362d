/**
 * The workshop labs (every *.md under docs/workshop/, in English and Korean) send participants to
 * dashboards, panels, alerts, metrics, scenarios, commands, saved searches and spans by name. This
 * suite reads them with real parsers and checks each name against its source of truth, so a page
 * cannot go stale: rename a panel, an alert, a span or a CLI option and this fails, naming page:line.
 *
 *   Markdown        mdast-util-from-markdown + GFM (code fences, inline code, links, tables, headings);
 *                   heading anchors by github-slugger, as GitHub makes them
 *   shell words     shell-quote: `npm run …` and `docker compose …` in inline code and in
 *                   ```bash/sh blocks (env assignments, quotes, pipes and # comments as a shell reads them)
 *   npm run fault   scripts/fault.mjs's own parseCommand, then the services' resolveFault (ranges)
 *   npm run load    scripts/load.mjs's own parseArgs and resolveScript; FAULT_PARAMS by resolveFault
 *   docker compose  -f files and services by compose-go's loader (tools/compose-config); `run --rm fault …`
 *                   and `K6_SCRIPT=… … k6` by the two CLIs above
 *   dashboard       http://localhost:3100/d/<uid>; a panel as **<dashboard title> › <panel title>** (Grafana JSON)
 *   alert           `UpperCamelCase` in backticks (the rule files)
 *   metric          `snake_case` with a metric suffix or family, or `a:b:c` (knownMetrics); ```promql blocks
 *                   as Prometheus parses them
 *   scenario        `kebab-case` (the catalogue); hunts/<name>.md for each one
 *   span            `dotted.name`, `<Controller>.<method>` (and Zipkin's lower-cased form), `pg.query:<VERB> <db>`,
 *                   `<operation> <queue>`: literals, templates and controllers of apps/ and libs/ (TypeScript's parser)
 *   Kibana          saved search "<title>" / 저장된 검색 "<title>"; data view "<name>" / 데이터 뷰 "<name>"
 *   UI address      http://localhost:<port>: a port compose publishes (any compose file)
 *   path            `observability/…`, `docs/…`, a compose file …: it exists
 *
 * A placeholder (<scenario>, <script>, …) in a command is filled with a valid value of its kind (PLACEHOLDERS);
 * `<command>` and `…` stand for a whole command, which is then not checked.
 */
import { SCENARIOS, type Scenario, resolveFault } from '@app/faults';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse as shellParse } from 'shell-quote';
import { beforeAll, describe, expect, it } from 'vitest';
import { loggerParams } from '../../libs/observability/src/logging/logger-options.js';
import { DEFAULT_INSTRUMENTATIONS } from '../../libs/observability/src/telemetry/env.js';
// @ts-expect-error: a plain ESM script without types
import { parseCommand } from '../../scripts/fault.mjs';
// @ts-expect-error: a plain ESM script without types
import { parseArgs, resolveScript } from '../../scripts/load.mjs';
import { composeConfig, composeRun } from '../support/compose-config.js';
import { MetricNames } from '../support/promql.js';
import { publishedPorts } from './support/compose.js';
import { ROOT, dashboards, knownMetrics, panelsOf, substituteVariables } from './support/grafana.js';
import {
  type Command,
  type Doc,
  anchorsOf,
  commandText,
  commandsOf,
  fences,
  inlineCode,
  lineAt,
  lineOf,
  markdownUnder,
  ofType,
  parseDoc,
  proseMatches,
  toString,
} from './support/markdown.js';
import { alertRules, filesIn } from './support/prometheus-rules.js';
import { sourceFiles, sourceNames } from './support/sources.js';

const DOCS_DIR = join(ROOT, 'docs/workshop');
const LANGUAGES = ['en', 'ko'] as const;
const RULE_FILES = filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml', '.yaml');

// ---- What exists: read from the configs and the code ------------------------------------------

const BOARDS = dashboards();
const BOARD_UIDS = new Set(BOARDS.map((d) => d.uid));
const PANELS = new Map(BOARDS.map((d) => [d.title, new Set(panelsOf(d).map((p) => p.title))]));
const ALERTS = new Set(alertRules(RULE_FILES).map((r) => r.alert));
const METRICS = knownMetrics(RULE_FILES);
const ALL_SCENARIOS = SCENARIOS as readonly Scenario[];
const SCENARIO_BY_NAME = new Map(ALL_SCENARIOS.map((s) => [s.name, s]));
const NPM_SCRIPTS = new Set(
  Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts),
);

const KIBANA_DIR = join(ROOT, 'observability/kibana');
const SAVED_OBJECTS = readFileSync(join(KIBANA_DIR, 'saved-objects.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as { id: string; type: string; attributes: { title: string } });
const SAVED_SEARCHES = new Set(SAVED_OBJECTS.filter((o) => o.type === 'search').map((o) => o.attributes.title));
/** setup.sh's `DATA_VIEW='{…}'`, as the shell reads the assignment. */
const DATA_VIEWS = new Set(
  readFileSync(join(KIBANA_DIR, 'setup.sh'), 'utf8')
    .split('\n')
    .flatMap((line) => shellParse(line).filter((w): w is string => typeof w === 'string' && w.startsWith('DATA_VIEW=')))
    .map((w) => (JSON.parse(w.slice('DATA_VIEW='.length)) as { data_view: { name: string } }).data_view.name),
);

/** docker-compose.yml alone and with each overlay, as compose-go loads them (every profile on). */
const COMPOSE_FILES = readdirSync(ROOT).filter((f) => /^docker-compose(\.[\w-]+)?\.ya?ml$/.test(f));
const PROJECTS = COMPOSE_FILES.map((f) => composeConfig(f === 'docker-compose.yml' ? [f] : ['docker-compose.yml', f]));
const SERVICES = PROJECTS.flatMap((p) => Object.values(p.services));
const COMPOSE_SERVICES = new Set(PROJECTS.flatMap((p) => Object.keys(p.services)));
/** The host ports compose publishes; a lab's http://localhost:<port> must be one of them. */
const HOST_PORTS = new Set(SERVICES.flatMap((s) => [...publishedPorts(s).keys()]));
/** The logging driver's options, which the labs may name: `fluentd-buffer-limit`. */
const DRIVER_OPTIONS = SERVICES.flatMap((s) => Object.keys(s.logging?.options ?? {}));
const DATABASES = new Set(
  SERVICES.flatMap((s) => (s.environment?.DATABASE_URL ? [new URL(s.environment.DATABASE_URL).pathname.slice(1)] : [])),
);

/** Kebab-case words in backticks that are not scenarios: uids, services, Kibana ids, runbooks, and these. */
const KEBAB_ALLOWLIST: Record<string, string> = {
  'paste-an-order-id-here': 'the placeholder in the saved search "One order\'s journey" that lab 1 replaces',
  'fluentd-logs': 'the id of the data view setup.sh creates',
};
/** The opaque marker mystery mode puts on logs, spans and metrics. */
const MYSTERY_MARKER = /^mystery-[0-9a-f]+$/;
const NON_SCENARIO_KEBAB = new Set([
  ...BOARD_UIDS,
  ...COMPOSE_SERVICES,
  ...SAVED_OBJECTS.map((o) => o.id),
  ...DRIVER_OPTIONS,
  ...readdirSync(join(ROOT, 'docs/runbooks')).map((f) => f.replace(/\.md$/, '')),
  ...Object.keys(KEBAB_ALLOWLIST),
]);

// ---- What the services name: apps/ and libs/ as TypeScript parses them ----------------------------

const {
  literals: LITERALS,
  templates: TEMPLATES,
  handlers: HANDLERS,
} = sourceNames(['apps', 'libs'].flatMap((top) => sourceFiles(join(ROOT, top), ['catalogue.ts'])));
/** Zipkin lower-cases span names: a handler span `OrdersController.create` shows as `orderscontroller.create`. */
const ZIPKIN_HANDLER_SPANS = new Set([...HANDLERS].map((h) => h.toLowerCase()));
/** instrumentation-pg names query spans `pg.query:<VERB> <database>` (when the pg instrumentation is on). */
const PG_INSTRUMENTED = DEFAULT_INSTRUMENTATIONS.includes('pg');

const PG_SHAPE = /^pg\.query:([A-Z]+)(?: (\w+))?$/;
function spanExists(name: string): boolean {
  const pg = PG_SHAPE.exec(name);
  if (pg)
    return (
      PG_INSTRUMENTED && ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(pg[1]) && (!pg[2] || DATABASES.has(pg[2]))
    );
  if (LITERALS.has(name) || HANDLERS.has(name) || ZIPKIN_HANDLER_SPANS.has(name)) return true;
  return TEMPLATES.some((template) => {
    const m = template.exec(name);
    return m !== null && m.slice(1).every((part) => LITERALS.has(part));
  });
}

/** Log fields with a dot, which are not spans: the keys the request serializer writes under `req` (`req.url`). */
const REQ_LOG_FIELDS = (() => {
  const { pinoHttp } = loggerParams({ service: 'docs-check', level: 'info', format: 'json' }) as {
    pinoHttp: { serializers: { req: (req: object) => Record<string, unknown> } };
  };
  const fields = pinoHttp.serializers.req({ id: 1, url: '/api/orders', method: 'GET', headers: {} });
  return new Set(Object.keys(fields).map((key) => `req.${key}`));
})();

// ---- Commands ------------------------------------------------------------------------------------

/**
 * What each placeholder stands for when a CLI parses the command; undefined: a whole command,
 * not checked. A placeholder not listed is an issue, so the table grows with the docs.
 */
const PLACEHOLDERS: Record<string, string | undefined> = {
  '<scenario>': ALL_SCENARIOS[0].name,
  '<script>': 'smoke',
  '<스크립트>': 'smoke',
  '<d>': '30s',
  '<시간>': '30s',
  '<r>': '5',
  '<command>': undefined,
  '<명령>': undefined,
  '…': undefined,
  '...': undefined,
};
const isPlaceholder = (word: string) => /<[^>]+>/.test(word) || word === '…' || word === '...';

/** The words with their placeholders filled, undefined when one stands for a whole command. */
function filled(words: string[]): string[] | undefined {
  const out: string[] = [];
  for (const word of words) {
    const placeholders = word.match(/<[^>]+>|…|\.\.\./g) ?? [];
    if (placeholders.length === 0) {
      out.push(word);
      continue;
    }
    let result = word;
    for (const p of placeholders) {
      if (!(p in PLACEHOLDERS)) throw new Error(`the placeholder ${p} has no value in PLACEHOLDERS (workshop-docs)`);
      const value = PLACEHOLDERS[p];
      if (value === undefined) return undefined;
      result = result.replace(p, value);
    }
    out.push(result);
  }
  return out;
}

/** Runs a CLI's own parser: its refusal, or nothing. */
function refusal(parse: () => void): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** FAULT_PARAMS as the k6 scenario scripts send it, checked as the services check it. */
function faultParamsIssues(json: string, scenarioName: string): string[] {
  const entry = SCENARIO_BY_NAME.get(scenarioName);
  if (!entry || isPlaceholder(json)) return [];
  return refusal(() => resolveFault(entry.services[0], entry.name, JSON.parse(json) as Record<string, unknown>));
}

/** `npm run fault -- <args>` (or the compose service's command): the CLI's parse, then the services' ranges. */
function faultIssues(args: string[]): string[] {
  return refusal(() => {
    const words = filled(args);
    if (!words) return;
    const parsed = parseCommand(words) as { command: string; entry?: Scenario; params?: Record<string, number> };
    if (parsed.command === 'on') resolveFault(parsed.entry!.services[0], parsed.entry!.name, parsed.params);
  });
}

/** `npm run load -- <args>`: the CLI's parse and its script lookup; FAULT_PARAMS for a scenario script. */
function loadIssues(args: string[]): string[] {
  let options: { script?: string; env: Record<string, string> } | undefined;
  const issues = refusal(() => {
    const words = filled(args);
    if (!words) return;
    options = parseArgs(words, {}) as typeof options;
    resolveScript(options!.script);
  });
  const script = /^scenarios\/(.+)$/.exec(options?.script ?? '')?.[1];
  const params = options?.env.FAULT_PARAMS;
  return [...issues, ...(script && params ? faultParamsIssues(params, script) : [])];
}

/** docker compose's global options and the command options that take a value (the next word). */
const COMPOSE_GLOBAL_VALUE_FLAGS = new Set(['-f', '--file', '--profile', '-p', '--project-name', '--env-file']);
const COMPOSE_VALUE_FLAGS = new Set(['-e', '--env', '--scale', '--tail', '--since', '-t', '--timeout', '-u', '-w']);
/** Commands whose other words are services; run and exec take one service, then its command. */
const COMPOSE_SERVICE_COMMANDS = new Set(['up', 'down', 'ps', 'logs', 'stop', 'start', 'restart', 'pull', 'build']);

/** `[K6_SCRIPT=…] docker compose [-f file]… [--profile p] <command> [options] [service…]`. */
function composeIssues(command: Command): string[] {
  const words = command.words.slice(2);
  const files: string[] = [];
  const profiles: string[] = [];
  let i = 0;
  for (; i < words.length && words[i].startsWith('-'); i++) {
    if (words[i] === '-f' || words[i] === '--file') files.push(words[i + 1]);
    if (words[i] === '--profile') profiles.push(words[i + 1]);
    if (COMPOSE_GLOBAL_VALUE_FLAGS.has(words[i])) i++;
  }
  const verb = words[i];
  const operands: string[] = [];
  for (i++; i < words.length; i++) {
    if (words[i].startsWith('-')) {
      if (COMPOSE_VALUE_FLAGS.has(words[i])) operands.push(`${words[i]}=${words[++i]}`);
      continue;
    }
    operands.push(words[i]);
    if (verb === 'run' || verb === 'exec') break;
  }
  const run = composeRun(files.length ? files : ['docker-compose.yml']);
  if (!run.project) return [run.stderr.trim().split('\n')[0]];
  if (verb === undefined || isPlaceholder(verb)) return [];
  const services = operands.filter((w) => !w.startsWith('-') && !isPlaceholder(w));
  const serviceIssues = (verb === 'run' || verb === 'exec' || COMPOSE_SERVICE_COMMANDS.has(verb) ? services : [])
    .filter((s) => !run.project!.services[s] || profiles.some((p) => !run.project!.services[s].profiles?.includes(p)))
    .map((s) =>
      run.project!.services[s]
        ? `service ${s} is not in profile ${profiles.join(', ')}`
        : `no service "${s}" in ${(files.length ? files : ['docker-compose.yml']).join(' + ')}`,
    );
  if (verb !== 'run' || services.length === 0) return serviceIssues;
  const service = services[0];
  const rest = words.slice(i + 1);
  // The fault service runs scripts/fault.mjs; without a command, its default (status).
  if (service === 'fault' && rest.length > 0) return [...serviceIssues, ...faultIssues(rest)];
  // The k6 service runs loadtest/$K6_SCRIPT.js with the -e values.
  const script = command.env.K6_SCRIPT;
  if (script === undefined) return serviceIssues;
  const env = Object.fromEntries(
    operands.filter((o) => /^(-e|--env)=/.test(o)).map((o) => o.replace(/^(-e|--env)=/, '').split(/=(.*)/s, 2)),
  ) as Record<string, string>;
  return [...serviceIssues, ...loadIssues([script, ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`])])];
}

// ---- The checks: each returns "file:line: problem" strings ---------------------------------------

type Check = (doc: Doc) => string[];
const at = (doc: Doc, line: number, problem: string) => `${doc.file}:${line}: ${problem}`;
/** The scenario a hunt page is about (hunts/<name>.md). */
const huntOf = (doc: Doc) => /\/hunts\/([\w-]+)\.md$/.exec(doc.file)?.[1];

const checkCommands: Check = (doc) =>
  commandsOf(doc).flatMap((command) => {
    const { words, line } = command;
    let issues: string[] = [];
    if (words[0] === 'npm' && words[1] === 'run' && words[2] && !isPlaceholder(words[2])) {
      const [script, dashes, ...args] = words.slice(2);
      if (!NPM_SCRIPTS.has(script)) issues.push(`package.json has no script "${script}"`);
      // `npm run fault` alone, in prose, names the script; with `--` it is a command to check.
      else if (dashes === '--' && script === 'fault') issues = faultIssues(args);
      else if (dashes === '--' && script === 'load') issues = loadIssues(args);
    } else if (words[0] === 'docker' && words[1] === 'compose') issues = composeIssues(command);
    else {
      // A fragment such as `-e FAULT_PARAMS='{…}'` on a hunt page gives its scenario's parameters.
      const hunt = huntOf(doc);
      const params = words.find((w) => w.startsWith('FAULT_PARAMS='));
      if (hunt && params) issues = faultParamsIssues(params.slice('FAULT_PARAMS='.length), hunt);
    }
    return issues.map((problem) => at(doc, line, `${commandText(command)}: ${problem}`));
  });

const checkDashboards: Check = (doc) => [
  ...[...doc.text.matchAll(/http:\/\/localhost:3100\/d\/([\w-]+)/g)]
    .filter((m) => !BOARD_UIDS.has(m[1]))
    .map((m) =>
      at(doc, lineAt(doc.text, m.index), `no dashboard with uid "${m[1]}" (known: ${[...BOARD_UIDS].join(', ')})`),
    ),
  ...ofType(doc, 'strong').flatMap((n) => {
    const [board, panel, ...more] = toString(n).split(' › ');
    if (panel === undefined || more.length) return [];
    const panels = PANELS.get(board);
    if (!panels) return [at(doc, lineOf(n), `no dashboard titled "${board}"`)];
    return panels.has(panel) ? [] : [at(doc, lineOf(n), `dashboard "${board}" has no panel "${panel}"`)];
  }),
];

const ALERT_SHAPE = /^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/;
const checkAlerts: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => ALERT_SHAPE.test(code) && !ALERTS.has(code))
    .map(({ code, line }) => at(doc, line, `\`${code}\` is not an alert in observability/prometheus/rules`));

const METRIC_SUFFIX =
  /_(total|seconds|bytes|bucket|sum|count|info|ratio|connections|requests|messages|ready|unacked|events|active|state|consumers|amount|up)$/;
const METRIC_FAMILY =
  /^(http_server_|http_client_|process_|nodejs_|db_pool_|rabbitmq_|outbox_|messages?_|orders_|payments_|notifications_|log_lines|workshop_)/;
/** level:metric:operations, the recording-rule naming convention. */
const RECORDED_SHAPE = /^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/;
const isMetricShaped = (t: string) =>
  RECORDED_SHAPE.test(t) ||
  (/^[a-z][a-z0-9_]*$/.test(t) && t.includes('_') && (METRIC_SUFFIX.test(t) || METRIC_FAMILY.test(t)));
const knownMetric = (name: string) => METRICS.has(name) || METRICS.has(`${name}_bucket`);

/** The metric names of every ```promql block, as Prometheus parses them (test/support/promql.ts). */
let PROMQL: MetricNames;
const promqlBlocks = (doc: Doc) => fences(doc).filter((f) => f.lang === 'promql');

const checkMetrics: Check = (doc) => [
  ...inlineCode(doc)
    .filter(({ code }) => isMetricShaped(code) && !knownMetric(code))
    .map(({ code, line }) =>
      at(doc, line, `\`${code}\` is not a metric the services, exporters or recording rules expose`),
    ),
  ...promqlBlocks(doc).flatMap((f) =>
    PROMQL.of(substituteVariables(f.body))
      .filter((name) => !knownMetric(name))
      .map((name) => at(doc, f.line, `the PromQL selects \`${name}\`, which nothing exposes`)),
  ),
];

const SCENARIO_SHAPE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
const checkScenarioNames: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => SCENARIO_SHAPE.test(code) && !NON_SCENARIO_KEBAB.has(code) && !MYSTERY_MARKER.test(code))
    .filter(({ code }) => !SCENARIO_BY_NAME.has(code))
    .map(({ code, line }) => at(doc, line, `\`${code}\` is not a scenario in libs/faults/src/catalogue.ts`));

const checkKibana: Check = (doc) => [
  ...proseMatches(doc, /(?:saved search|저장된 검색)\s*"([^"]+)"/g)
    .filter(({ m }) => !SAVED_SEARCHES.has(m[1]))
    .map(({ m, line }) => at(doc, line, `no Kibana saved search "${m[1]}" in saved-objects.ndjson`)),
  ...proseMatches(doc, /(?:data view|데이터 뷰)\s*"([^"]+)"/g)
    .filter(({ m }) => !DATA_VIEWS.has(m[1]))
    .map(({ m, line }) => at(doc, line, `no Kibana data view "${m[1]}" in setup.sh`)),
];

const FILE_EXTENSION = /\.(md|ya?ml|json|ndjson|ts|js|mjs|conf|sh|txt|env|html)$/;
/** A dotted name, maybe with a word after it (the old `order.paid publish`, so a page that still names it fails). */
const DOTTED_SHAPE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?: [a-z]+)?$/;
/** A messaging span as the conventions name it, `{operation} {destination}`: `send notifications`. */
const MESSAGING_SHAPE = /^(?:create|send|receive|process|settle) [a-z][\w.-]*$/;
const HANDLER_SHAPE = /^[A-Z]\w*Controller\.\w+$/;

const checkSpans: Check = (doc) =>
  inlineCode(doc)
    .filter(
      ({ code }) =>
        (DOTTED_SHAPE.test(code) && !FILE_EXTENSION.test(code)) ||
        MESSAGING_SHAPE.test(code) ||
        HANDLER_SHAPE.test(code) ||
        PG_SHAPE.test(code),
    )
    .filter(({ code }) => !spanExists(code) && !REQ_LOG_FIELDS.has(code))
    .map(({ code, line }) =>
      at(doc, line, `\`${code}\` is not a span or span attribute the services create (apps/, libs/)`),
    );

/** Top folders of the repository a path in backticks may start with. */
const PATH_SHAPE =
  /^(?:observability|docs|loadtest|libs|apps|scripts|test|tools)\/[\w./-]+$|^docker-compose(?:\.[\w-]+)?\.ya?ml$/;
const checkPaths: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => PATH_SHAPE.test(code) && !existsSync(join(ROOT, code)))
    .map(({ code, line }) => at(doc, line, `\`${code}\` does not exist in the repository`));

const checkLocalhostPorts: Check = (doc) =>
  [...doc.text.matchAll(/https?:\/\/localhost:(\d+)/g)]
    .filter((m) => !HOST_PORTS.has(Number(m[1])))
    .map((m) => at(doc, lineAt(doc.text, m.index), `localhost:${m[1]} is not a port compose publishes`));

const checkLinks: Check = (doc) =>
  [...ofType(doc, 'link'), ...ofType(doc, 'definition')].flatMap((n) => {
    const href = n.url;
    if (/^[a-z]+:/i.test(href)) return [];
    const [path, anchor] = href.split('#', 2);
    const target = path ? resolve(DOCS_DIR, dirname(doc.file), decodeURIComponent(path)) : join(DOCS_DIR, doc.file);
    if (path && !existsSync(target))
      return [at(doc, lineOf(n), `link to ${href}: ${relative(ROOT, target)} does not exist`)];
    if (!anchor || !target.endsWith('.md')) return [];
    const linked = path ? docAt(target) : doc;
    return linked && anchorsOf(linked).has(decodeURIComponent(anchor))
      ? []
      : [at(doc, lineOf(n), `link to ${href}: no heading with anchor #${anchor}`)];
  });

const CHECKS = {
  checkDashboards,
  checkAlerts,
  checkMetrics,
  checkScenarioNames,
  checkKibana,
  checkSpans,
  checkCommands,
  checkPaths,
  checkLocalhostPorts,
  checkLinks,
};

// ---- The docs ---------------------------------------------------------------------------------

const DOCS = existsSync(DOCS_DIR)
  ? markdownUnder(DOCS_DIR).map((path) => parseDoc(relative(DOCS_DIR, path), readFileSync(path, 'utf8')))
  : [];
const OTHER_DOCS = new Map<string, Doc | undefined>();
/** A linked page: one of DOCS, or another Markdown file of the repository (read once). */
function docAt(path: string): Doc | undefined {
  const file = relative(DOCS_DIR, path);
  const doc = DOCS.find((d) => d.file === file);
  if (doc) return doc;
  if (!OTHER_DOCS.has(path))
    OTHER_DOCS.set(path, existsSync(path) ? parseDoc(file, readFileSync(path, 'utf8')) : undefined);
  return OTHER_DOCS.get(path);
}
const filesOf = (language: string) =>
  DOCS.filter((d) => d.file.startsWith(`${language}/`))
    .map((d) => d.file.slice(language.length + 1))
    .sort();
const issuesOf = (check: Check) => DOCS.flatMap(check);

/** What a hunt page must name so it agrees with the catalogue entry it is about. */
function huntIssues(doc: Doc, entry: Scenario): string[] {
  const code = new Set(inlineCode(doc).map((c) => c.code));
  const commands = commandsOf(doc).map(commandText);
  const board = BOARDS.find((d) => d.uid === entry.evidence.dashboard.uid);
  const panel = `${board?.title} › ${entry.evidence.dashboard.panel}`;
  const span = entry.evidence.trace.span;
  const missing = [
    ...[
      `npm run fault -- on ${entry.name}`,
      `npm run load -- scenarios/${entry.load}`,
      // The same two steps with Docker alone, for a laptop without Node.
      `docker compose run --rm fault on ${entry.name}`,
      `K6_SCRIPT=scenarios/${entry.load} docker compose --profile k6 run --rm`,
    ].filter((c) => !commands.some((command) => command.startsWith(c))),
    ...entry.evidence.alerts.filter((a) => !code.has(a)).map((a) => `\`${a}\``),
    ...(ofType(doc, 'strong').some((n) => toString(n) === panel) ? [] : [`**${panel}**`]),
    ...(doc.text.includes(`http://localhost:3100/d/${entry.evidence.dashboard.uid}`)
      ? []
      : [`http://localhost:3100/d/${entry.evidence.dashboard.uid}`]),
    ...entry.evidence.metrics.filter((m) => !code.has(m)).map((m) => `\`${m}\``),
    ...([...code].some((c) => c === span || c.startsWith(`${span} `)) ? [] : [`\`${span}\` (the culprit span)`]),
  ];
  const html = ofType(doc, 'html').map((n) => n.value);
  const details = html.filter((h) => h.includes('<details>')).length;
  const closed = html.filter((h) => h.includes('</details>')).length;
  return [
    ...missing.map((m) => `${doc.file}: does not name ${m}, as the catalogue entry ${entry.name} does`),
    ...(details >= 4 && details === closed
      ? []
      : [
          `${doc.file}: needs the hints and the answer in at least 4 closed <details> blocks (${details} open, ${closed} closed)`,
        ]),
  ];
}

/**
 * Default values a hunt page states — in `# defaults: --name value …` comments and in parameter
 * table rows "| `--name` | value |" — must be the catalogue's; the comment is read by the CLI's parser.
 */
function defaultsIssues(doc: Doc, entry: Scenario): string[] {
  const stated = [
    ...commandsOf(doc).flatMap((c) => {
      const m = /(?:defaults?|기본값):\s*(.*)$/.exec(c.comment);
      return m ? [{ where: `${doc.file}:${c.line}: defaults comment`, words: m[1].trim().split(/\s+/) }] : [];
    }),
    ...ofType(doc, 'tableRow').flatMap((row) => {
      const [name, value] = row.children.map((cell) => toString(cell).trim());
      return /^--\w+$/.test(name ?? '') && /^[\d.]+$/.test(value ?? '')
        ? [{ where: `${doc.file}:${lineOf(row)}: parameter table`, words: [name, value] }]
        : [];
    }),
  ];
  return stated.flatMap(({ where, words }) => {
    let params: Record<string, number> = {};
    const refused = refusal(() => {
      params = (parseCommand(['on', entry.name, ...words]) as { params: Record<string, number> }).params;
    });
    return [
      ...refused.map((r) => `${where}: ${r}`),
      ...Object.entries(params)
        .filter(([k, v]) => entry.params[k].default !== v)
        .map(([k, v]) => `${where}: --${k} ${v}, but the catalogue default is ${entry.params[k].default}`),
    ];
  });
}

/** The checks must be able to fail: a page with one stale name of each kind. */
const stale = parseDoc(
  'en/hunts/slow-query.md',
  [
    'Open http://localhost:3100/d/no-such-board and **Service overview (RED) › No such panel**.',
    'Wait for `HighP99Latency`, watch `http_server_request_duration_secs`, then switch `payment-latancy` off.',
    'In Kibana, saved search "Every error" in data view "Logs".',
    'Find `payment.authorise` and `OrdersController.destroy` and `pg.query:SELECT carts`, in Zipkin `orderscontroller.destroy`.',
    'The relay sends in `send notification`, once called `order.paid publish`.',
    'Open Zipkin on http://localhost:9412/zipkin/.',
    'See [the setup](00-nothing.md) and [metrics](#no-such-heading). Pass `-e FAULT_PARAMS=\'{"delay":1}\'`.',
    '',
    '| parameter | default |',
    '| --- | --- |',
    '| `--rows` | 5 |',
    '',
    '```bash',
    'npm run fault -- on payment-latency --latency 3000',
    'npm run fault -- on payment-latency --latencyMs 999999',
    'npm run fault -- guess payment-latancy',
    'npm run fault -- explode',
    'npm run load -- scenarios/no-such-scenario',
    'npm run load -- scenarios/slow-query --seconds 10 -e FAULT_PARAMS=\'{"delay":600}\'',
    'npm run loadtest',
    'npm run fault -- on slow-query   # defaults: --rows 7 --probability 1',
    'K6_SCRIPT=scenarios/nothing docker compose --profile k6 run --rm k6',
    'K6_SCRIPT=smoke docker compose --profile k6 run --rm -e LOAD_DURATION=1m load',
    'docker compose run --rm fault on payment-latency --latency 3000',
    'docker compose run --rm fault guess payment-latancy',
    'docker compose -f docker-compose.yml -f docker-compose.nothing.yml up -d',
    'docker compose ps logstash',
    'npm run fault -- on payment-latency --latencyMs <ms>',
    '```',
    'Edit `observability/logstash/pipeline/nothing.conf`.',
    '',
    '```promql',
    'rate(http_requests_total[5m])',
    '```',
  ].join('\n'),
);

beforeAll(async () => {
  const blocks = [...DOCS, stale].flatMap((doc) => promqlBlocks(doc).map((f) => substituteVariables(f.body)));
  PROMQL = await MetricNames.of(blocks);
}, 30_000);

describe('workshop docs (docs/workshop)', () => {
  it('exist in both languages with the same files', () => {
    expect(filesOf('en').length).toBeGreaterThan(0);
    expect(filesOf('ko')).toEqual(filesOf('en'));
  });

  it('have a hunt page in both languages for every catalogue scenario, and none for an unknown one', () => {
    for (const language of LANGUAGES) {
      const hunts = filesOf(language)
        .filter((f) => f.startsWith('hunts/'))
        .map((f) => basename(f, '.md'));
      expect(hunts.sort(), language).toEqual(ALL_SCENARIOS.map((s) => s.name).sort());
    }
  });

  it.each([
    ['link only to dashboards and panels that exist in Grafana', checkDashboards],
    ['name only alerts defined in the alert rules', checkAlerts],
    ['name only metrics that the services, exporters or recording rules expose', checkMetrics],
    ['name only scenarios from the catalogue', checkScenarioNames],
    ['open only Kibana saved searches and data views that setup imports', checkKibana],
    ['name only spans and span attributes that the services create', checkSpans],
    ['show only commands that the CLIs, npm and compose accept', checkCommands],
    ['name only repository paths that exist', checkPaths],
    ['link only to files and headings that exist', checkLinks],
    ['open UIs only on the host ports compose publishes', checkLocalhostPorts],
  ] as const)('%s', (_, check) => {
    expect(issuesOf(check)).toEqual([]);
  });

  describe.each(ALL_SCENARIOS.flatMap((entry) => LANGUAGES.map((language) => ({ entry, language }))))(
    'hunt $entry.name ($language)',
    ({ entry, language }) => {
      const doc = () => DOCS.find((d) => d.file === `${language}/hunts/${entry.name}.md`)!;

      it('names the evidence and commands of its catalogue entry, with the answers folded away', () => {
        expect(doc(), `${language}/hunts/${entry.name}.md`).toBeDefined();
        expect(huntIssues(doc(), entry)).toEqual([]);
      });

      it('states the catalogue defaults of its parameters', () => {
        expect(defaultsIssues(doc(), entry)).toEqual([]);
      });
    },
  );
});

describe('the name checks', () => {
  it('flag a dashboard uid and a panel that do not exist', () => {
    expect(checkDashboards(stale)).toHaveLength(2);
  });

  it('flag an unknown alert, metric, scenario, saved search and data view', () => {
    expect(checkAlerts(stale)).toHaveLength(1);
    expect(checkMetrics(stale)).toHaveLength(2);
    expect(checkScenarioNames(stale)).toHaveLength(1);
    expect(checkKibana(stale)).toHaveLength(2);
  });

  it('flag a misspelt span, a handler that does not exist (as Jaeger and as Zipkin name it), a database and a queue that do not, and a renamed span', () => {
    expect(checkSpans(stale)).toHaveLength(6);
  });

  it('flag a UI port compose does not publish', () => {
    expect(checkLocalhostPorts(stale)).toEqual([expect.stringContaining('localhost:9412')]);
  });

  it('flag what the fault and load CLIs, npm, compose and the services refuse, naming page and line', () => {
    const found = checkCommands(stale);
    for (const [line, refusal] of [
      [7, 'fault "slow-query" has no parameter "delay"'],
      [14, 'npm run fault -- on payment-latency --latency 3000: payment-latency has no parameter --latency'],
      [15, 'payment-latency.latencyMs must be between 0 and 30000'],
      [16, 'unknown scenario "payment-latancy"'],
      [17, 'unknown command "explode"'],
      [18, 'no script "scenarios/no-such-scenario"'],
      [19, 'unknown option --seconds'],
      [20, 'package.json has no script "loadtest"'],
      [22, 'K6_SCRIPT=scenarios/nothing docker compose --profile k6 run --rm k6: no script "scenarios/nothing"'],
      [23, 'service load is not in profile k6'],
      [24, 'docker compose run --rm fault on payment-latency --latency 3000: payment-latency has no parameter'],
      [25, 'docker compose run --rm fault guess payment-latancy: unknown scenario "payment-latancy"'],
      [26, 'docker-compose.nothing.yml'],
      [27, 'no service "logstash" in docker-compose.yml'],
      [28, 'the placeholder <ms> has no value in PLACEHOLDERS'],
    ] as const) {
      const prefix = `en/hunts/slow-query.md:${line}: `;
      expect(
        found.some((i) => i.startsWith(prefix) && i.includes(refusal)),
        `${prefix}… ${refusal}`,
      ).toBe(true);
    }
    expect(found).toHaveLength(15);
  });

  it('flag a default that is not the catalogue default, in a comment and in a parameter table', () => {
    const issues = defaultsIssues(stale, SCENARIO_BY_NAME.get('slow-query')!);
    expect(issues).toEqual([
      expect.stringContaining('--rows 7, but the catalogue default is'),
      expect.stringContaining('--rows 5, but the catalogue default is'),
    ]);
  });

  it('flag a missing path', () => {
    expect(checkPaths(stale)).toHaveLength(1);
  });

  it('flag a link to a missing file and to a missing heading', () => {
    expect(checkLinks(stale)).toHaveLength(2);
  });

  it('accept the names as the labs write them', () => {
    const fine = parseDoc(
      'en/fine.md',
      [
        '# Fine',
        'Open http://localhost:3100/d/service-overview and **Service overview (RED) › 5xx error ratio per service**.',
        '`HighP95Latency`, `http_server_request_duration_seconds`, `job:http_server_errors:ratio_rate5m`, `payment-latency`,',
        '`payment.authorize`, `send notifications`, `OrdersController.create`, `pg.query:SELECT orders`, `workshop.fault`,',
        '`orderscontroller.create`, `docker-compose.zipkin.yml`, http://localhost:9411/zipkin/, http://localhost:16686,',
        'saved search "Errors by service", data view "Fluentd logs", the log field `req.url`, [up](#fine).',
        '```bash',
        'npm run fault -- on payment-latency --latencyMs 3000',
        'npm run fault -- mystery --seed 7',
        'npm run fault -- guess <scenario>',
        'npm run fault -- off --all',
        'npm run load -- scenarios/slow-query --duration 15m -e FAULT_PARAMS=\'{"rows":500000}\'',
        'npm run load -- <script> --rate <r> --duration <d>',
        'docker compose -f docker-compose.yml -f docker-compose.logstash.yml ps logstash   # wait for (healthy)',
        'docker compose logs gateway order --no-log-prefix | grep <trace id>',
        'docker compose --profile k6 run --rm k6',
        'K6_SCRIPT=scenarios/slow-query docker compose --profile k6 run --rm -e LOAD_DURATION=15m k6',
        'docker compose run --rm fault on payment-latency --latencyMs 3000',
        'docker compose run --rm fault mystery --seed 7',
        'docker compose run --rm fault guess <scenario>',
        'docker compose run --rm fault',
        '```',
        'The driver keeps `fluentd-buffer-limit` lines; Logstash reads `observability/logstash/pipeline/logstash.conf`.',
      ].join('\n'),
    );
    expect(Object.values(CHECKS).flatMap((check) => check(fine))).toEqual([]);
  });
});
