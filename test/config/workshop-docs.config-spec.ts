/**
 * The workshop labs (every *.md under docs/workshop/, in English and Korean) send participants to
 * dashboards, panels, alerts, metrics, scenarios, CLI commands, saved searches and spans by name.
 * This suite checks each name against the configs and the code, so the labs cannot go stale: rename
 * a panel, an alert or a span and this fails, naming the page and line.
 *
 * How the docs write names (the conventions parsed here; write new labs the same way):
 *
 *   dashboard      a link http://localhost:3100/d/<uid>                  http://localhost:3100/d/service-overview
 *   panel          bold, exact titles, "›" (U+203A) between them         **Service overview (RED) › 5xx error ratio per service**
 *   alert          in backticks, UpperCamelCase                          `HighP95Latency`
 *   metric         in backticks, snake_case with a metric suffix or      `http_server_request_duration_seconds`,
 *                  family prefix, or a recording rule (with colons);     `job:http_server_errors:ratio_rate5m`
 *                  PromQL in ```promql blocks (every metric it selects)
 *   scenario       in backticks, kebab-case; hunt pages hunts/<name>.md  `payment-latency`
 *   CLI            in inline code or a fenced block; <…> is a placeholder `npm run fault -- on payment-latency --latencyMs 3000`
 *                  `npm run <script>` (a package.json script),           `npm run load -- scenarios/payment-latency`
 *                  `npm run fault -- <command> …`, `npm run load -- <script>`
 *                  and their Docker forms (no Node on the laptop):       `docker compose run --rm fault on payment-latency`
 *                  `docker compose run --rm fault <command> …`,          `K6_SCRIPT=scenarios/payment-latency docker compose
 *                  `K6_SCRIPT=<script> docker compose --profile k6       --profile k6 run --rm -e LOAD_DURATION=15m k6`
 *                  run --rm [-e NAME=value]… k6`
 *   Kibana         saved search "<title>" / 저장된 검색 "<title>";        saved search "Errors by service"
 *                  data view "<name>" / 데이터 뷰 "<name>"
 *   span           in backticks: dotted lowercase (spans and span        `payment.authorize`, `workshop.fault`,
 *                  attributes), <Controller>.<method>, or pg's           `OrdersController.create`,
 *                  pg.query:<VERB> <database>; a handler span as Zipkin  `pg.query:SELECT orders`,
 *                  shows it: lower-cased; a messaging span               `orderscontroller.create`,
 *                  <operation> <queue>                                   `send notifications`
 *   UI address     http://localhost:<port>: a *_HOST_PORT of .env         http://localhost:9411/zipkin/
 *   compose        `docker compose [-f <file>]… <command> [<service>…]`  `docker compose -f docker-compose.yml
 *                  in code: each -f file exists, each service is in       -f docker-compose.logstash.yml ps logstash`
 *                  docker-compose.yml or a file the command names;
 *                  the logging driver's options (x-logging) by name      `fluentd-buffer-limit`
 *   path           in backticks, a repository path under a top folder    `observability/logstash/pipeline/logstash.conf`
 *                  (observability/, docs/, loadtest/, …) or a compose file: it exists
 *
 *   log field      the request serializer's fields, `req.<key>`, are log fields, not spans   `req.url`
 *
 * Anything else in backticks (env vars, log messages, HTTP routes) is not checked.
 * Also: the en/ and ko/ trees hold the same files; every catalogue scenario has a hunt page in both,
 * and each hunt names its scenario's evidence (alerts, panel, metrics, span, commands) as the
 * catalogue does; relative links (and their #anchors) resolve.
 */
import { SCENARIOS, type Scenario } from '@app/faults';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { parseYamlStrict } from './support/compose.js';
import { loggerParams } from '../../libs/observability/src/logging/logger-options.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, dashboards, knownMetrics, panelsOf, substituteVariables } from './support/grafana.js';
import { MetricNames } from '../support/promql.js';
import { alertRules, filesIn } from './support/prometheus-rules.js';

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

/** The commands scripts/fault.mjs dispatches on (`case 'list':` …). */
const FAULT_COMMANDS = new Set(
  [...readFileSync(join(ROOT, 'scripts/fault.mjs'), 'utf8').matchAll(/^\s*case '([a-z]+)':/gm)].map((m) => m[1]),
);
const NPM_SCRIPTS = new Set(
  Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts),
);

const KIBANA_DIR = join(ROOT, 'observability/kibana');
const SAVED_OBJECTS = readFileSync(join(KIBANA_DIR, 'saved-objects.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as { id: string; type: string; attributes: { title: string } });
const SAVED_SEARCHES = new Set(SAVED_OBJECTS.filter((o) => o.type === 'search').map((o) => o.attributes.title));
const DATA_VIEWS = new Set(
  [...readFileSync(join(KIBANA_DIR, 'setup.sh'), 'utf8').matchAll(/"data_view":\{[^}]*"name":"([^"]+)"/g)].map(
    (m) => m[1],
  ),
);
const COMPOSE = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { profiles?: string[] }>;
  'x-logging'?: { options?: Record<string, string> };
};
const COMPOSE_SERVICES = Object.keys(COMPOSE.services);
/** docker-compose.yml and its overlays (docker-compose.lite.yml, docker-compose.logstash.yml, …): file → services. */
const COMPOSE_FILES = new Map(
  readdirSync(ROOT)
    .filter((f) => /^docker-compose(\.[\w-]+)?\.ya?ml$/.test(f))
    .map((f) => [
      f,
      Object.keys(parseYamlStrict<{ services?: object }>(readFileSync(join(ROOT, f), 'utf8'), f).services ?? {}),
    ]),
);
/** The fluentd logging driver's options (x-logging), which the labs may name: `fluentd-buffer-limit`. */
const DRIVER_OPTIONS = Object.keys(COMPOSE['x-logging']?.options ?? {});

/**
 * Kebab-case words that are not scenarios, each with its reason. Dashboard uids, compose services,
 * Kibana object ids and runbook names are added from the configs below.
 */
const KEBAB_ALLOWLIST: Record<string, string> = {
  'paste-an-order-id-here': 'the placeholder in the saved search "One order\'s journey" that lab 1 replaces',
};
/** The opaque marker mystery mode puts on logs, spans and metrics. */
const MYSTERY_MARKER = /^mystery-[0-9a-f]+$/;
const NON_SCENARIO_KEBAB = new Set([
  ...BOARD_UIDS,
  ...COMPOSE_SERVICES,
  ...SAVED_OBJECTS.map((o) => o.id),
  'fluentd-logs',
  ...DRIVER_OPTIONS,
  ...readdirSync(join(ROOT, 'docs/runbooks')).map((f) => f.replace(/\.md$/, '')),
  ...Object.keys(KEBAB_ALLOWLIST),
]);

/**
 * UpperCamelCase words in backticks that are not alerts, each with its reason. Empty: the labs write
 * class names only as spans (`OrdersController.create`) and tools in plain text (Chrome DevTools).
 */
const CAMEL_ALLOWLIST: Record<string, string> = {};

/** Application sources a span or attribute name may come from; the catalogue and fixtures only describe spans. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$|\.fixture\.ts$/.test(name) && name !== 'catalogue.ts'
      ? [path]
      : [];
  });
}
const SOURCES = ['apps', 'libs']
  .flatMap((top) => sourceFiles(join(ROOT, top)))
  .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const SOURCE_TEXT = SOURCES.map((s) => s.text).join('\n');
const STRING_LITERALS = new Set([...SOURCE_TEXT.matchAll(/'([^'\n]+)'|"([^"\n]+)"/g)].map((m) => m[1] ?? m[2]));
/** `const NAME = 'value'` in the sources: a template's placeholder that names one stands for its value. */
const CONSTANTS = new Map<string, string[]>();
for (const m of SOURCE_TEXT.matchAll(/\bconst (\w+) = '([^'\n]+)'/g))
  CONSTANTS.set(m[1], [...(CONSTANTS.get(m[1]) ?? []), m[2]]);
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Template literals with placeholders as regexes: a constant's placeholder (`${SEND} ${NOTIFICATIONS_QUEUE}`)
 * is its value, any other (`${event.type} publish`) a capture that must be a literal. A template with
 * neither a word nor a constant (`${amount} ${currency}`) would match any two literals: it names nothing.
 */
const TEMPLATES = [...SOURCE_TEXT.matchAll(/`([^`\n]*\$\{[^`\n]*)`/g)].flatMap((m) => {
  const pieces = m[1].split(/(\$\{[^}]*\})/);
  const constantAt = (i: number) => (i % 2 === 1 ? CONSTANTS.get(pieces[i].slice(2, -1).trim()) : undefined);
  if (!pieces.some((piece, i) => (i % 2 === 0 ? /[a-z]/i.test(piece) : constantAt(i)))) return [];
  const parts = pieces.map((piece, i) => {
    if (i % 2 === 0) return escapeRegex(piece);
    const values = constantAt(i);
    return values ? `(?:${values.map(escapeRegex).join('|')})` : '(.+?)';
  });
  return [new RegExp(`^${parts.join('')}$`)];
});
/** instrumentation-pg names query spans `pg.query:<VERB> <database>` (when the pg instrumentation is on). */
const PG_INSTRUMENTED = /DEFAULT_INSTRUMENTATIONS = \[[^\]]*'pg'/.test(
  readFileSync(join(ROOT, 'libs/observability/src/telemetry/env.ts'), 'utf8'),
);
/** Zipkin lower-cases span names: a handler span `OrdersController.create` shows as `orderscontroller.create` there. */
const ZIPKIN_HANDLER_SPANS = new Set(
  SOURCES.filter(({ text }) => text.includes('@Controller(')).flatMap(({ text }) =>
    [...text.matchAll(/class (\w+Controller)\b/g)].flatMap((c) =>
      [...text.matchAll(/^\s+(?:async )?(\w+)\(/gm)].map((m) => `${c[1]}.${m[1]}`.toLowerCase()),
    ),
  ),
);
/** The host ports compose publishes (.env); a lab's http://localhost:<port> must be one of them. */
const HOST_PORTS = new Map(
  [...readFileSync(join(ROOT, '.env'), 'utf8').matchAll(/^(\w+_HOST_PORT)=(\d+)$/gm)].map((m) => [Number(m[2]), m[1]]),
);
const DATABASES = new Set(
  [
    ...readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/DATABASE_URL: postgres:\/\/[^/\s]+\/(\w+)/g),
  ].map((m) => m[1]),
);

// ---- Reading the docs ----------------------------------------------------------------------------

interface Fence {
  lang: string;
  body: string;
  line: number;
}

interface Doc {
  /** Relative to docs/workshop. */
  file: string;
  text: string;
  /** The text with fenced blocks blanked out (offsets and lines kept). */
  prose: string;
  fences: Fence[];
}

function parseDoc(file: string, text: string): Doc {
  const fences: Fence[] = [];
  const prose = text.replace(
    /^([ \t]*)(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^\1\2[ \t]*$/gm,
    (block, _indent, _fence, lang: string, body: string, offset: number) => {
      fences.push({ lang: lang.trim(), body, line: lineAt(text, offset) + 1 });
      return block.replace(/[^\n]/g, ' ');
    },
  );
  return { file, text, prose, fences };
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Inline code spans outside fenced blocks, with their line. */
function inlineCode(doc: Doc): { code: string; line: number }[] {
  return [...doc.prose.matchAll(/(`+)([^`\n]+?)\1/g)].map((m) => ({
    code: m[2].trim(),
    line: lineAt(doc.prose, m.index),
  }));
}

/** `npm run dev > dev.log` → `npm run dev` (a placeholder's `>` has no space before it). */
const withoutRedirect = (command: string) => command.replace(/\s+\d?>.*$/, '').trim();

/** Every `npm run …` command, from inline code and from fenced blocks (one a line, comments dropped). */
function npmCommands(doc: Doc): { command: string; line: number }[] {
  const inline = inlineCode(doc).flatMap(({ code, line }) =>
    [...code.matchAll(/npm run [^;&|]*/g)].map((m) => ({ command: withoutRedirect(m[0]), line })),
  );
  const fenced = doc.fences.flatMap((fence) =>
    fence.body.split('\n').flatMap((text, i) =>
      [...text.replace(/\s#.*$/, '').matchAll(/npm run [^;&|]*/g)].map((m) => ({
        command: withoutRedirect(m[0]),
        line: fence.line + i,
      })),
    ),
  );
  return [...inline, ...fenced];
}

/** `<scenario>`, `scenarios/<name>`, `…`: stands for a value the reader fills in. */
const isPlaceholder = (word: string) => /<[^>]+>/.test(word) || word === '…' || word === '...';

const ALERT_SHAPE = /^[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+$/;
const METRIC_SUFFIX =
  /_(total|seconds|bytes|bucket|sum|count|info|ratio|connections|requests|messages|ready|unacked|events|active|state|consumers|amount|up)$/;
const METRIC_FAMILY =
  /^(http_server_|http_client_|process_|nodejs_|db_pool_|rabbitmq_|outbox_|messages?_|orders_|payments_|notifications_|log_lines|workshop_)/;
/** level:metric:operations, the recording-rule naming convention. */
const RECORDED_SHAPE = /^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/;
const isMetricShaped = (t: string) =>
  RECORDED_SHAPE.test(t) ||
  (/^[a-z][a-z0-9_]*$/.test(t) && t.includes('_') && (METRIC_SUFFIX.test(t) || METRIC_FAMILY.test(t)));
const SCENARIO_SHAPE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
const FILE_EXTENSION = /\.(md|ya?ml|json|ndjson|ts|js|mjs|conf|sh|txt|env|html)$/;
/** A dotted name, maybe with a word after it (the old `order.paid publish`, so a page that still names it fails). */
const DOTTED_SHAPE = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+(?: [a-z]+)?$/;
/** A messaging span as the conventions name it, `{operation} {destination}`: `send notifications`. */
const MESSAGING_SHAPE = /^(?:create|send|receive|process|settle) [a-z][\w.-]*$/;
const HANDLER_SHAPE = /^([A-Z]\w*Controller)\.(\w+)$/;
const PG_SHAPE = /^pg\.query:([A-Z]+)(?: (\w+))?$/;

const knownMetric = (name: string) => METRICS.has(name) || METRICS.has(`${name}_bucket`);

/** A handler span `<Controller>.<method>`: a Nest controller class with that method. */
function handlerExists(controller: string, method: string): boolean {
  return SOURCES.some(
    ({ text }) =>
      text.includes('@Controller(') &&
      new RegExp(`class ${controller}\\b`).test(text) &&
      new RegExp(`^\\s+(?:async )?${method}\\(`, 'm').test(text),
  );
}

function spanExists(name: string): boolean {
  const pg = PG_SHAPE.exec(name);
  if (pg)
    return (
      PG_INSTRUMENTED && ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(pg[1]) && (!pg[2] || DATABASES.has(pg[2]))
    );
  const handler = HANDLER_SHAPE.exec(name);
  if (handler) return handlerExists(handler[1], handler[2]);
  if (STRING_LITERALS.has(name) || ZIPKIN_HANDLER_SPANS.has(name)) return true;
  return TEMPLATES.some((template) => {
    const m = template.exec(name);
    return m !== null && m.slice(1).every((part) => STRING_LITERALS.has(part));
  });
}

// ---- The checks: each returns "file:line: problem" strings ---------------------------------------

type Check = (doc: Doc) => string[];
const at = (doc: Doc, line: number, problem: string) => `${doc.file}:${line}: ${problem}`;

const checkDashboards: Check = (doc) => [
  ...[...doc.text.matchAll(/http:\/\/localhost:3100\/d\/([\w-]+)/g)]
    .filter((m) => !BOARD_UIDS.has(m[1]))
    .map((m) =>
      at(doc, lineAt(doc.text, m.index), `no dashboard with uid "${m[1]}" (known: ${[...BOARD_UIDS].join(', ')})`),
    ),
  ...[...doc.prose.matchAll(/\*\*([^*\n]+?) › ([^*\n]+?)\*\*/g)].flatMap((m) => {
    const panels = PANELS.get(m[1]);
    if (!panels) return [at(doc, lineAt(doc.prose, m.index), `no dashboard titled "${m[1]}"`)];
    return panels.has(m[2]) ? [] : [at(doc, lineAt(doc.prose, m.index), `dashboard "${m[1]}" has no panel "${m[2]}"`)];
  }),
];

const checkAlerts: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => ALERT_SHAPE.test(code) && !(code in CAMEL_ALLOWLIST) && !ALERTS.has(code))
    .map(({ code, line }) => at(doc, line, `\`${code}\` is not an alert in observability/prometheus/rules`));

const checkMetrics: Check = (doc) => [
  ...inlineCode(doc)
    .filter(({ code }) => isMetricShaped(code) && !knownMetric(code))
    .map(({ code, line }) =>
      at(doc, line, `\`${code}\` is not a metric the services, exporters or recording rules expose`),
    ),
  ...doc.fences
    .filter((f) => f.lang === 'promql')
    .flatMap((f) =>
      PROMQL.of(substituteVariables(f.body))
        .filter((name) => !knownMetric(name))
        .map((name) => at(doc, f.line, `the PromQL selects \`${name}\`, which nothing exposes`)),
    ),
];

const checkScenarioNames: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => SCENARIO_SHAPE.test(code) && !NON_SCENARIO_KEBAB.has(code) && !MYSTERY_MARKER.test(code))
    .filter(({ code }) => !SCENARIO_BY_NAME.has(code))
    .map(({ code, line }) => at(doc, line, `\`${code}\` is not a scenario in libs/faults/src/catalogue.ts`));

function faultCommandIssues(words: string[]): string[] {
  const [command, ...args] = words;
  if (!command) return ['`npm run fault --` without a command'];
  if (isPlaceholder(command)) return [];
  if (!FAULT_COMMANDS.has(command))
    return [`"${command}" is not a command of scripts/fault.mjs (${[...FAULT_COMMANDS].join(', ')})`];
  const [target, ...rest] = args;
  const scenarioIssue = (name: string | undefined) =>
    name === undefined
      ? [`${command} needs a scenario`]
      : isPlaceholder(name) || SCENARIO_BY_NAME.has(name)
        ? []
        : [`"${name}" is not a scenario`];
  switch (command) {
    case 'on': {
      const issues = scenarioIssue(target);
      const entry = target ? SCENARIO_BY_NAME.get(target) : undefined;
      for (let i = 0; i < rest.length; i++) {
        const [key, inline] = rest[i].replace(/^--/, '').split('=', 2);
        if (isPlaceholder(rest[i]) || rest[i] === '...' || rest[i] === '…') continue;
        if (!rest[i].startsWith('--')) issues.push(`unexpected "${rest[i]}"; parameters are --name value`);
        else if (entry && !(key in entry.params))
          issues.push(`${entry.name} has no parameter --${key} (${Object.keys(entry.params).join(', ') || 'none'})`);
        const value = inline ?? rest[++i];
        if (value === undefined || (!isPlaceholder(value) && Number.isNaN(Number(value))))
          issues.push(`--${key} needs a number`);
      }
      return issues;
    }
    case 'off':
      return target === '--all' && rest.length === 0
        ? []
        : [...scenarioIssue(target), ...(rest.length ? [`off takes one scenario or --all`] : [])];
    case 'guess':
      return [...scenarioIssue(target), ...(rest.length ? ['guess takes one scenario'] : [])];
    case 'mystery':
      if (args.length === 0) return [];
      return args[0] === '--seed' && args.length === 2 && (isPlaceholder(args[1]) || Number.isInteger(Number(args[1])))
        ? []
        : [`mystery takes only --seed <integer>, not "${args.join(' ')}"`];
    case 'status':
      return args.length === 0 || (args.length === 1 && args[0] === '--hints')
        ? []
        : [`status takes only --hints, not "${args.join(' ')}"`];
    default:
      return args.length ? [`${command} takes no arguments`] : [];
  }
}

/** The options scripts/load.mjs reads (`--duration`, `-e`, …). */
const LOAD_FLAGS = new Set(
  existsSync(join(ROOT, 'scripts/load.mjs'))
    ? [...readFileSync(join(ROOT, 'scripts/load.mjs'), 'utf8').matchAll(/'(--?[a-z][a-z0-9-]*)'/g)].map((m) => m[1])
    : [],
);

/** `npm run load -- <script> [options]` runs loadtest/<script>.js; FAULT_PARAMS names the scenario's parameters. */
function loadCommandIssues(words: string[]): string[] {
  const [script, ...options] = words;
  if (!script) return ['`npm run load --` without a script'];
  const issues = options
    .filter((w) => w.startsWith('-') && !LOAD_FLAGS.has(w.split('=')[0]))
    .map((w) => `scripts/load.mjs has no option ${w}`);
  const entry = SCENARIO_BY_NAME.get(script.replace(/^scenarios\//, ''));
  for (const w of options) {
    const json = /^FAULT_PARAMS='(.*)'$/.exec(w)?.[1];
    if (!json || !entry) continue;
    const unknown = Object.keys(JSON.parse(json) as object).filter((k) => !(k in entry.params));
    issues.push(...unknown.map((k) => `FAULT_PARAMS: ${entry.name} has no parameter ${k}`));
  }
  if (isPlaceholder(script)) return issues;
  return existsSync(join(ROOT, 'loadtest', `${script}.js`))
    ? issues
    : [...issues, `loadtest/${script}.js does not exist`];
}

/** Every line of code: inline code spans and the lines of fenced blocks. */
const codeLines = (doc: Doc) => [
  ...inlineCode(doc).map((c) => ({ text: c.code, line: c.line })),
  ...doc.fences.flatMap((f) => f.body.split('\n').map((text, i) => ({ text, line: f.line + i }))),
];

/** `K6_SCRIPT=<script> docker compose --profile <p> run --rm [-e NAME=value]… <service>`: the k6 container runs loadtest/<script>.js. */
function k6ContainerIssues(doc: Doc): string[] {
  return codeLines(doc).flatMap(({ text, line }) => {
    const m = /K6_SCRIPT=(\S+) docker compose --profile (\S+) run --rm (?:-e \S+ )*(\S+)/.exec(text);
    if (!m) return [];
    const [, script, profile, service] = m;
    const issues = [
      ...(isPlaceholder(script) || existsSync(join(ROOT, 'loadtest', `${script}.js`))
        ? []
        : [`loadtest/${script}.js does not exist`]),
      ...(COMPOSE.services[service]?.profiles?.includes(profile)
        ? []
        : [`docker-compose.yml has no service ${service} in profile ${profile}`]),
    ];
    return issues.map((problem) => at(doc, line, `${m[0]}: ${problem} (npm run load)`));
  });
}

/** `docker compose run --rm fault <command> …`: scripts/fault.mjs in a container, the commands of `npm run fault --`. */
function faultContainerIssues(doc: Doc): string[] {
  return codeLines(doc).flatMap(({ text, line }) =>
    [...text.replace(/\s#.*$/, '').matchAll(/docker compose run --rm fault\b([^`|;&]*)/g)].flatMap((m) => {
      const words = m[1].split(/\s+/).filter(Boolean);
      // No command: the service's default, status.
      const issues = words.length === 0 ? [] : faultCommandIssues(words);
      return issues.map((problem) => at(doc, line, `docker compose run --rm fault${m[1]}: ${problem}`));
    }),
  );
}

const checkCommands: Check = (doc) => [
  ...k6ContainerIssues(doc),
  ...faultContainerIssues(doc),
  ...npmCommands(doc).flatMap(({ command, line }) => {
    const [, script, rest] = /^npm run ([\w:-]+)(?:\s+--\s*(.*))?$/.exec(command) ?? [];
    if (!script) return [at(doc, line, `cannot read "${command}"`)];
    const issues = NPM_SCRIPTS.has(script) ? [] : [`"npm run ${script}": package.json has no script "${script}"`];
    // `npm run fault` alone, in prose, names the script; with `--` it is a command to check.
    if (rest === undefined) return issues.map((problem) => at(doc, line, problem));
    const words = (rest ?? '').split(/\s+/).filter(Boolean);
    if (script === 'fault') issues.push(...faultCommandIssues(words));
    if (script === 'load') issues.push(...loadCommandIssues(words));
    return issues.map((problem) => at(doc, line, `${command}: ${problem}`));
  }),
];

const checkKibana: Check = (doc) => [
  ...[...doc.prose.matchAll(/(?:saved search|저장된 검색)\s*"([^"]+)"/g)]
    .filter((m) => !SAVED_SEARCHES.has(m[1]))
    .map((m) => at(doc, lineAt(doc.prose, m.index), `no Kibana saved search "${m[1]}" in saved-objects.ndjson`)),
  ...[...doc.prose.matchAll(/(?:data view|데이터 뷰)\s*"([^"]+)"/g)]
    .filter((m) => !DATA_VIEWS.has(m[1]))
    .map((m) => at(doc, lineAt(doc.prose, m.index), `no Kibana data view "${m[1]}" in setup.sh`)),
];

/** Log fields with a dot, which are not spans: the keys the request serializer writes under `req` (`req.url`). */
const REQ_LOG_FIELDS = (() => {
  const { pinoHttp } = loggerParams({ service: 'docs-check', level: 'info', format: 'json' }) as {
    pinoHttp: { serializers: { req: (req: object) => Record<string, unknown> } };
  };
  const fields = pinoHttp.serializers.req({ id: 1, url: '/api/orders', method: 'GET', headers: {} });
  return new Set(Object.keys(fields).map((key) => `req.${key}`));
})();

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

/** Flags of `docker compose` and its commands that take a value (the next word). */
const COMPOSE_VALUE_FLAGS = new Set([
  '-f',
  '--file',
  '--profile',
  '-p',
  '--project-name',
  '--scale',
  '-e',
  '--env',
  '--tail',
  '--since',
  '-t',
  '--timeout',
]);
/** Commands whose other words are service names; exec and run take one service, then its command. */
const COMPOSE_SERVICE_COMMANDS = new Set([
  'up',
  'down',
  'ps',
  'logs',
  'stop',
  'start',
  'restart',
  'pull',
  'build',
  'rm',
  'kill',
  'create',
  'exec',
  'run',
]);

/** What is wrong with one `docker compose …` command line (the words after `docker compose`). */
function composeCommandIssues(rest: string): string[] {
  const words = rest
    .replace(/\s#.*$/, '')
    .split(/\s+/)
    .filter(Boolean);
  const files: string[] = [];
  const services: string[] = [];
  let command: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (['|', '||', '&&', ';', '>'].includes(word)) break;
    if (word.startsWith('-')) {
      if (COMPOSE_VALUE_FLAGS.has(word)) {
        if (word === '-f' || word === '--file') files.push(words[i + 1] ?? '');
        i++;
      }
      continue;
    }
    if (command === undefined) {
      command = word;
      continue;
    }
    if (!isPlaceholder(word)) services.push(word);
    if (command === 'exec' || command === 'run') break;
  }
  const issues = files
    .filter((f) => !COMPOSE_FILES.has(f))
    .map((f) => `-f ${f}: no such compose file at the repository root`);
  if (command === undefined || !COMPOSE_SERVICE_COMMANDS.has(command)) return issues;
  const known = new Set((files.length ? files : ['docker-compose.yml']).flatMap((f) => COMPOSE_FILES.get(f) ?? []));
  return [
    ...issues,
    ...services
      .filter((s) => !known.has(s))
      .map((s) => `no service "${s}" in ${(files.length ? files : ['docker-compose.yml']).join(' + ')}`),
  ];
}

const checkCompose: Check = (doc) => {
  const lines = [
    ...inlineCode(doc).map((c) => ({ text: c.code, line: c.line })),
    ...doc.fences.flatMap((f) =>
      f.body.split('\n').map((text, i) => ({ text: text.replace(/\s#.*$/, ''), line: f.line + i })),
    ),
  ];
  return lines.flatMap(({ text, line }) =>
    [...text.matchAll(/docker compose\b([^`]*)/g)].flatMap((m) =>
      composeCommandIssues(m[1]).map((problem) => at(doc, line, `docker compose${m[1]}: ${problem}`)),
    ),
  );
};

/** Top folders of the repository a path in backticks may start with. */
const PATH_SHAPE =
  /^(?:observability|docs|loadtest|libs|apps|scripts|test|tools)\/[\w./-]+$|^docker-compose(?:\.[\w-]+)?\.ya?ml$/;

const checkPaths: Check = (doc) =>
  inlineCode(doc)
    .filter(({ code }) => PATH_SHAPE.test(code) && !code.includes('<') && !existsSync(join(ROOT, code)))
    .map(({ code, line }) => at(doc, line, `\`${code}\` does not exist in the repository`));

/** Every http://localhost:<port> is a port compose publishes (a *_HOST_PORT in .env), e.g. Zipkin's 9411. */
const checkLocalhostPorts: Check = (doc) =>
  [...doc.text.matchAll(/https?:\/\/localhost:(\d+)/g)]
    .filter((m) => !HOST_PORTS.has(Number(m[1])))
    .map((m) => at(doc, lineAt(doc.text, m.index), `localhost:${m[1]} is not a host port in .env`));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens (Hangul kept). */
function anchorsOf(doc: Doc): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of doc.prose.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = m[1]
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

function checkLinks(doc: Doc, read: (path: string) => Doc | undefined): string[] {
  return [...doc.prose.matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].flatMap((m) => {
    const href = m[1];
    if (/^[a-z]+:/i.test(href)) return [];
    const [path, anchor] = href.split('#', 2);
    const line = lineAt(doc.prose, m.index);
    const target = path ? resolve(DOCS_DIR, dirname(doc.file), path) : join(DOCS_DIR, doc.file);
    if (path && !existsSync(target))
      return [at(doc, line, `link to ${href}: ${relative(ROOT, target)} does not exist`)];
    if (!anchor || !target.endsWith('.md')) return [];
    const linked = path ? read(target) : doc;
    return linked && anchorsOf(linked).has(decodeURIComponent(anchor))
      ? []
      : [at(doc, line, `link to ${href}: no heading with anchor #${anchor}`)];
  });
}

// ---- The docs ---------------------------------------------------------------------------------

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownUnder(path) : name.endsWith('.md') ? [path] : [];
  });
}

const DOCS = existsSync(DOCS_DIR)
  ? markdownUnder(DOCS_DIR).map((path) => parseDoc(relative(DOCS_DIR, path), readFileSync(path, 'utf8')))
  : [];
const docAt = (path: string) => {
  const file = relative(DOCS_DIR, path);
  return (
    DOCS.find((d) => d.file === file) ?? (existsSync(path) ? parseDoc(file, readFileSync(path, 'utf8')) : undefined)
  );
};
const filesOf = (language: string) =>
  DOCS.filter((d) => d.file.startsWith(`${language}/`))
    .map((d) => d.file.slice(language.length + 1))
    .sort();
const issuesOf = (check: Check) => DOCS.flatMap(check);

/** Code spans as written (`…`), for the per-hunt evidence checks. */
const codeSet = (doc: Doc) => new Set(inlineCode(doc).map((c) => c.code));

/** What a hunt page must name so it agrees with the catalogue entry it is about. */
function huntIssues(doc: Doc, entry: Scenario): string[] {
  const code = codeSet(doc);
  const board = BOARDS.find((d) => d.uid === entry.evidence.dashboard.uid);
  const panel = `**${board?.title} › ${entry.evidence.dashboard.panel}**`;
  const span = entry.evidence.trace.span;
  const missing = [
    ...[`npm run fault -- on ${entry.name}`, `npm run load -- scenarios/${entry.load}`].filter(
      (c) => !npmCommands(doc).some((n) => n.command.startsWith(c)),
    ),
    // The same two steps with Docker alone, for a laptop without Node.
    ...[
      `docker compose run --rm fault on ${entry.name}`,
      `K6_SCRIPT=scenarios/${entry.load} docker compose --profile k6 run --rm`,
    ].filter((c) => !codeLines(doc).some((l) => l.text.startsWith(c))),
    ...entry.evidence.alerts.filter((a) => !code.has(a)).map((a) => `\`${a}\``),
    ...(doc.prose.includes(panel) ? [] : [panel]),
    ...(doc.text.includes(`http://localhost:3100/d/${entry.evidence.dashboard.uid}`)
      ? []
      : [`http://localhost:3100/d/${entry.evidence.dashboard.uid}`]),
    ...entry.evidence.metrics.filter((m) => !code.has(m)).map((m) => `\`${m}\``),
    ...([...code].some((c) => c === span || c.startsWith(`${span} `)) ? [] : [`\`${span}\` (the culprit span)`]),
  ];
  const foreignParams = [...doc.text.matchAll(/FAULT_PARAMS='(\{[^']*\})'/g)].flatMap((m) =>
    Object.keys(JSON.parse(m[1]) as object).filter((k) => !(k in entry.params)),
  );
  missing.push(...foreignParams.map((k) => `only parameters of ${entry.name} in FAULT_PARAMS, not ${k}`));
  const details = (doc.prose.match(/<details>/g) ?? []).length;
  const closed = (doc.prose.match(/<\/details>/g) ?? []).length;
  return [
    ...missing.map((m) => `${doc.file}: does not name ${m}, as the catalogue entry ${entry.name} does`),
    ...(details >= 4 && details === closed
      ? []
      : [
          `${doc.file}: needs the hints and the answer in at least 4 closed <details> blocks (${details} open, ${closed} closed)`,
        ]),
  ];
}

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

  it('link only to dashboards and panels that exist in Grafana', () => {
    expect(issuesOf(checkDashboards)).toEqual([]);
  });

  it('name only alerts defined in the alert rules', () => {
    expect(issuesOf(checkAlerts)).toEqual([]);
  });

  it('name only metrics that the services, exporters or recording rules expose', () => {
    expect(issuesOf(checkMetrics)).toEqual([]);
  });

  it('name only scenarios from the catalogue', () => {
    expect(issuesOf(checkScenarioNames)).toEqual([]);
  });

  it('show only npm scripts, fault commands and parameters that exist', () => {
    expect(issuesOf((doc) => checkCommands(doc).filter((i) => !/npm run load/.test(i)))).toEqual([]);
  });

  it('run only load scripts that exist under loadtest/', () => {
    expect(issuesOf((doc) => checkCommands(doc).filter((i) => /npm run load/.test(i)))).toEqual([]);
  });

  it('open only Kibana saved searches and data views that setup imports', () => {
    expect(issuesOf(checkKibana)).toEqual([]);
  });

  it('name only spans and span attributes that the services create', () => {
    expect(issuesOf(checkSpans)).toEqual([]);
  });

  it('run docker compose only with compose files and services that exist (overlay services with their overlay)', () => {
    expect(issuesOf(checkCompose)).toEqual([]);
  });

  it('name only repository paths that exist', () => {
    expect(issuesOf(checkPaths)).toEqual([]);
  });

  it('link only to files and headings that exist', () => {
    expect(issuesOf((doc) => checkLinks(doc, docAt))).toEqual([]);
  });

  it('open UIs only on the host ports compose publishes', () => {
    expect(issuesOf(checkLocalhostPorts)).toEqual([]);
  });

  describe.each(ALL_SCENARIOS.flatMap((entry) => LANGUAGES.map((language) => ({ entry, language }))))(
    'hunt $entry.name ($language)',
    ({ entry, language }) => {
      it('names the evidence and commands of its catalogue entry, with the answers folded away', () => {
        const doc = DOCS.find((d) => d.file === `${language}/hunts/${entry.name}.md`);
        expect(doc, `${language}/hunts/${entry.name}.md`).toBeDefined();
        expect(huntIssues(doc!, entry)).toEqual([]);
      });

      it('states the catalogue defaults of its parameters', () => {
        const text = readFileSync(join(DOCS_DIR, language, 'hunts', `${entry.name}.md`), 'utf8');
        expect(defaultsIssues(text, entry)).toEqual([]);
      });
    },
  );
});

/**
 * Default values a hunt page states — in `# defaults: --name value …` comments and in
 * parameter table rows "| `--name` | value |" — must be the catalogue's.
 */
function defaultsIssues(text: string, entry: Scenario): string[] {
  const issues: string[] = [];
  const check = (name: string, stated: string, where: string) => {
    const param = entry.params[name];
    if (!param) issues.push(`${where}: --${name} is not a parameter of ${entry.name}`);
    else if (Number(stated) !== param.default)
      issues.push(`${where}: --${name} ${stated}, but the catalogue default is ${param.default}`);
  };
  for (const m of text.matchAll(/#\s*[^\n]*?(?:defaults?|기본값)[^\n]*/g)) {
    for (const [, name, value] of m[0].matchAll(/--(\w+)[ =]([\d.]+)/g)) check(name!, value!, 'defaults comment');
  }
  for (const [, name, value] of text.matchAll(/^\|\s*`--(\w+)`\s*\|\s*([\d.]+)\s*\|/gm))
    check(name!, value!, 'parameter table');
  return issues;
}

/** The checks above must be able to fail: a page with one stale name of each kind. */
const stale = parseDoc(
  'en/stale.md',
  [
    'Open http://localhost:3100/d/no-such-board and **Service overview (RED) › No such panel**.',
    'Wait for `HighP99Latency`, watch `http_server_request_duration_secs`, then switch `payment-latancy` off.',
    'In Kibana, saved search "Every error" in data view "Logs".',
    'Find `payment.authorise` and `OrdersController.destroy` and `pg.query:SELECT carts`, in Zipkin `orderscontroller.destroy`.',
    'The relay sends in `send notification`, once called `order.paid publish`.',
    'Open Zipkin on http://localhost:9412/zipkin/.',
    'See [the setup](00-nothing.md) and [metrics](#no-such-heading).',
    '',
    '```bash',
    'npm run fault -- on payment-latency --latency 3000',
    'npm run fault -- guess payment-latancy',
    'npm run fault -- explode',
    'npm run load -- scenarios/no-such-scenario',
    'npm run load -- scenarios/slow-query --seconds 10 -e FAULT_PARAMS=\'{"delay":600}\'',
    'npm run loadtest',
    'K6_SCRIPT=scenarios/nothing docker compose --profile k6 run --rm k6',
    'K6_SCRIPT=smoke docker compose --profile k6 run --rm -e LOAD_DURATION=1m load',
    'docker compose run --rm fault on payment-latency --latency 3000',
    'docker compose run --rm fault guess payment-latancy',
    'docker compose -f docker-compose.yml -f docker-compose.nothing.yml up -d',
    'docker compose ps logstash',
    '```',
    'Edit `observability/logstash/pipeline/nothing.conf`.',
    '',
    '```promql',
    'rate(http_requests_total[5m])',
    '```',
  ].join('\n'),
);

/** The metric names of every ```promql block, as Prometheus parses them (test/support/promql.ts). */
let PROMQL: MetricNames;
beforeAll(async () => {
  const blocks = [...DOCS, stale].flatMap((doc) =>
    doc.fences.filter((f) => f.lang === 'promql').map((f) => substituteVariables(f.body)),
  );
  PROMQL = await MetricNames.of(blocks);
}, 30_000);

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

  it('flag a wrong parameter, scenario, command, load script and npm script', () => {
    const issues = checkCommands(stale);
    expect(issues.some((i) => i.includes('has no parameter --latency'))).toBe(true);
    expect(issues.some((i) => i.includes('"payment-latancy" is not a scenario'))).toBe(true);
    expect(issues.some((i) => i.includes('"explode" is not a command'))).toBe(true);
    expect(issues.some((i) => i.includes('loadtest/scenarios/no-such-scenario.js does not exist'))).toBe(true);
    expect(issues.some((i) => i.includes('no script "loadtest"'))).toBe(true);
    expect(issues.some((i) => i.includes('has no option --seconds'))).toBe(true);
    expect(issues.some((i) => i.includes('slow-query has no parameter delay'))).toBe(true);
    expect(issues.some((i) => i.includes('K6_SCRIPT=scenarios/nothing') && i.includes('does not exist'))).toBe(true);
    expect(issues.some((i) => i.includes('K6_SCRIPT=smoke') && i.includes('no service load in profile k6'))).toBe(true);
    expect(issues.some((i) => i.includes('run --rm fault on') && i.includes('has no parameter --latency'))).toBe(true);
    expect(
      issues.some((i) => i.includes('run --rm fault guess') && i.includes('"payment-latancy" is not a scenario')),
    ).toBe(true);
  });

  it('flag a compose file that does not exist, an overlay service without its overlay, and a missing path', () => {
    expect(checkCompose(stale)).toHaveLength(2);
    expect(checkPaths(stale)).toHaveLength(1);
  });

  it('flag a link to a missing file and to a missing heading', () => {
    expect(checkLinks(stale, docAt)).toHaveLength(2);
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
    const checks = [
      checkDashboards,
      checkAlerts,
      checkMetrics,
      checkScenarioNames,
      checkKibana,
      checkSpans,
      checkCompose,
      checkPaths,
      checkLocalhostPorts,
      (d: Doc) => checkLinks(d, docAt),
    ];
    expect(checks.flatMap((check) => check(fine))).toEqual([]);
    expect(checkCommands(fine)).toEqual([]);
  });
});
