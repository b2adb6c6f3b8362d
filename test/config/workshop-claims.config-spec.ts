/**
 * What the workshop pages claim will happen must be what the kit does. workshop-docs.config-spec.ts
 * checks that every name exists; this suite checks claims about behaviour against their one source:
 *
 *   - the trainer's scenario table (en, ko): each row's alerts are the catalogue's `evidence.alerts`,
 *     and its measured p95 and 5xx are the figures of docs/scenarios.md;
 *   - any page that states a scenario's "p95 A → B ms" or "5xx A % → B %" states docs/scenarios.md's;
 *   - a hunt names an alert its catalogue entry does not expect only in a hedged or negated sentence
 *     ("may", "if", "not" / "수도", "않"); mentions that do not say it fires are free;
 *   - a log line shown next to a level-filtered Kibana saved search is logged at a level that search shows
 *     (the levels read from the services' logger calls and the saved search's query);
 *   - the trainer's memory figures are the README's;
 *   - the mystery's seed table picks what scripts/fault.mjs picks, with the smallest seed for each scenario.
 */
import { SCENARIOS, type Scenario } from '@app/faults';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/grafana.js';
// @ts-expect-error: a plain ESM script without types
import { mysteryPick } from '../../scripts/fault.mjs';
import { markdownUnder } from './support/markdown.js';
import { alertRules, filesIn } from './support/prometheus-rules.js';
import { sourceFiles } from './support/sources.js';

const DOCS_DIR = join(ROOT, 'docs/workshop');
const LANGUAGES = ['en', 'ko'] as const;
const ALL_SCENARIOS = SCENARIOS as readonly Scenario[];
const BY_NAME = new Map(ALL_SCENARIOS.map((s) => [s.name, s]));
const ALERTS = new Set(
  alertRules(filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml', '.yaml')).map((r) => r.alert),
);

interface Page {
  file: string;
  text: string;
}

const PAGES: Page[] = markdownUnder(DOCS_DIR).map((path) => ({
  file: relative(DOCS_DIR, path),
  text: readFileSync(path, 'utf8'),
}));

/** Prose without fenced blocks, as paragraphs (wrapped lines joined), each with its first line number. */
function paragraphs(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let current: string[] = [];
  let start = 0;
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*```/.test(raw)) fenced = !fenced;
    const blank = fenced || /^\s*```/.test(raw) || !raw.trim() || /^\s*[-*\d]+[.)]?\s/.test(raw) || /^\s*\|/.test(raw);
    if (blank && current.length) {
      out.push({ text: current.join(' '), line: start });
      current = [];
    }
    if (fenced || /^\s*```/.test(raw) || !raw.trim()) return;
    if (!current.length) start = i + 1;
    current.push(raw.trim());
    if (/^\s*\|/.test(raw)) {
      out.push({ text: current.join(' '), line: start });
      current = [];
    }
  });
  if (current.length) out.push({ text: current.join(' '), line: start });
  return out;
}

const sentences = (paragraph: string) => paragraph.split(/(?<=[.!?])\s+(?=[A-Z`*(가-힣])|(?<=다\.|요\.)\s+/);
const backticked = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
const alertsIn = (text: string) => backticked(text).filter((c) => ALERTS.has(c));

// ---- docs/scenarios.md: the measured figures --------------------------------------------------

interface Measured {
  p95: string;
  errors: string;
}
export function measuredFigures(markdown: string): Map<string, Measured> {
  const rows = new Map<string, Measured>();
  for (const m of markdown.matchAll(
    /^\| `([a-z-]+)` \|[^|]+\|[^|]+\| ([\d.]+ → [\d.]+ ms) \(×[^|]*\) \| (\d+ % → \d+ %) \|/gm,
  )) {
    rows.set(m[1]!, { p95: m[2]!, errors: m[3]! });
  }
  return rows;
}
const MEASURED = measuredFigures(readFileSync(join(ROOT, 'docs/scenarios.md'), 'utf8'));

/** "p95 A → B ms" and "5xx A % → B %" on a line naming exactly one scenario must be docs/scenarios.md's. */
export function measuredIssues(page: Page, measured = MEASURED): string[] {
  return page.text.split('\n').flatMap((line, i) => {
    const named = [...new Set(backticked(line).filter((c) => BY_NAME.has(c)))];
    if (named.length !== 1) return [];
    const figures = measured.get(named[0]!);
    const where = `${page.file}:${i + 1} (${named[0]})`;
    if (!figures) return [`${where}: no row in docs/scenarios.md`];
    return [
      ...[...line.matchAll(/p95 ([\d.]+ → [\d.]+ ms)/g)]
        .filter((m) => m[1] !== figures.p95)
        .map((m) => `${where}: p95 ${m[1]}, measured ${figures.p95}`),
      ...[...line.matchAll(/5xx (\d+ % → \d+ %)/g)]
        .filter((m) => m[1] !== figures.errors)
        .map((m) => `${where}: 5xx ${m[1]}, measured ${figures.errors}`),
    ];
  });
}

// ---- The trainer's table ----------------------------------------------------------------------

/** Scenario rows of the trainer's table: name, the alerts it says fire (outside parentheses) and its measured cell. */
export function trainerRows(markdown: string): { name: string; alerts: string[]; measured: string }[] {
  return [...markdown.matchAll(/^\| \[`([a-z-]+)`\]\(hunts\/[a-z-]+\.md\) \| [★☆]+ \| ([^|]+) \| ([^|]+) \|/gm)].map(
    (m) => ({
      name: m[1]!,
      alerts: alertsIn(m[2]!.replace(/\([^)]*\)/g, '')).sort(),
      measured: m[3]!,
    }),
  );
}

export function trainerIssues(markdown: string, file: string, measured = MEASURED): string[] {
  const rows = trainerRows(markdown);
  const issues = ALL_SCENARIOS.filter((s) => !rows.some((r) => r.name === s.name)).map(
    (s) => `${file}: no row for ${s.name}`,
  );
  for (const row of rows) {
    const entry = BY_NAME.get(row.name);
    if (!entry) {
      issues.push(`${file}: ${row.name} is not a scenario`);
      continue;
    }
    const expected = [...entry.evidence.alerts].sort();
    if (row.alerts.join() !== expected.join()) {
      issues.push(
        `${file}: ${row.name} lists alerts [${row.alerts.join(', ')}], the catalogue expects [${expected.join(', ')}]`,
      );
    }
    const figures = measured.get(row.name);
    if (!figures || !row.measured.includes(`p95 ${figures.p95}`) || !row.measured.includes(`5xx ${figures.errors}`)) {
      issues.push(
        `${file}: ${row.name} measured "${row.measured.trim()}", docs/scenarios.md says p95 ${figures?.p95}, 5xx ${figures?.errors}`,
      );
    }
  }
  return issues;
}

// ---- Hunts: alerts the catalogue does not expect -----------------------------------------------

/** Words that make a sentence about an alert conditional or negative. */
const HEDGE =
  /\b(?:not|no|never|may|might|if|unless|once|possible)\b|n't|않|없|아니|수도|수 있|경우|[가-힣]면(?=[\s,)]|$)/i;
/** Words that say an alert fires. */
const FIRES = /\bfir(?:es|e|ing)\b|울립|울리|울린/i;

export function unexpectedAlertIssues(page: Page, entry: Scenario): string[] {
  const expected = new Set<string>(entry.evidence.alerts);
  return paragraphs(page.text).flatMap((p) =>
    sentences(p.text)
      .filter((s) => alertsIn(s).some((a) => !expected.has(a)) && FIRES.test(s) && !HEDGE.test(s))
      .map(
        (s) =>
          `${page.file}:${p.line}: "${s.slice(0, 120)}" says ${alertsIn(s)
            .filter((a) => !expected.has(a))
            .join(
              ', ',
            )} fires; the catalogue entry ${entry.name} expects [${[...expected].join(', ')}] (hedge it or add it to evidence.alerts)`,
      ),
  );
}

// ---- Kibana: saved searches and the levels lines are logged at --------------------------------

const SAVED_SEARCHES = new Map(
  readFileSync(join(ROOT, 'observability/kibana/saved-objects.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          attributes: { title: string; kibanaSavedObjectMeta?: { searchSourceJSON?: string } };
        },
    )
    .filter((o) => o.type === 'search')
    .map((o) => {
      const query =
        (JSON.parse(o.attributes.kibanaSavedObjectMeta?.searchSourceJSON ?? '{}') as { query?: { query?: string } })
          .query?.query ?? '';
      const levels = /\blevel:\(([^)]+)\)/.exec(query)?.[1]?.split(/\s+or\s+/);
      return [o.attributes.title, levels ? new Set(levels) : undefined] as const;
    }),
);

interface Logged {
  pattern: RegExp;
  exact: boolean;
  level: string;
}
const PINO_LEVEL: Record<string, string> = {
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
  debug: 'debug',
  verbose: 'trace',
};
const templateRegex = (template: string, bound: Record<string, string> = {}) =>
  new RegExp(
    `^${template
      .split(/(\$\{[^}]+\})/)
      .map((part) => {
        const name = /^\$\{\s*(\w+)\s*\}$/.exec(part)?.[1];
        if (name && bound[name]) return bound[name]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        return part.startsWith('${') ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('')}$`,
  );

/**
 * The messages the services log and at which level, read from their logger calls: a string or template
 * as the first argument or as `msg:` of an object literal, or an object built just before the call
 * (`const log = { msg: \`order ${status}\` }; if (status === 'pending') this.logger.warn(log)`).
 */
export function loggedMessages(sources: string[]): Logged[] {
  const out: Logged[] = [];
  for (const text of sources) {
    for (const m of text.matchAll(
      /(?:if \((\w+) === '([^']+)'\) )?(?:this\.)?\blogger\.(log|warn|error|fatal|debug|verbose)\(\s*(?:\{\s*msg:\s*)?(?:(['`])((?:(?!\4)[^\n])*)\4|(\w+)\))/g,
    )) {
      const [, variable, value, method, , literal, identifier] = m;
      const level = PINO_LEVEL[method!]!;
      let message: string | undefined = literal;
      if (identifier)
        message = new RegExp(`const ${identifier} = \\{\\s*msg: \`([^\`]+)\``).exec(
          text.slice(Math.max(0, m.index - 600), m.index),
        )?.[1];
      if (!message) continue;
      const bound: Record<string, string> = variable && value ? { [variable]: value } : {};
      out.push({
        pattern: templateRegex(message, bound),
        exact: !/\$\{/.test(message.replace(/\$\{\s*(\w+)\s*\}/g, (s, v: string) => (bound[v] ? '' : s))),
        level,
      });
    }
  }
  return out;
}

const LOGGER_OPTIONS = readFileSync(join(ROOT, 'libs/observability/src/logging/logger-options.ts'), 'utf8');
/** pino-http's request lines ("POST /orders 503"): 5xx at error, 4xx at warn, the rest at info (logger-options.ts). */
const ACCESS_LEVELS = /res\.statusCode >= 500 \? 'error' : res\.statusCode >= 400 \? 'warn' : 'info'/.test(
  LOGGER_OPTIONS,
);
function accessLineLevel(code: string): string | undefined {
  const status = /^(?:GET|POST|PUT|PATCH|DELETE) \/\S* (\d{3})$/.exec(code)?.[1];
  if (!status) return undefined;
  return Number(status) >= 500 ? 'error' : Number(status) >= 400 ? 'warn' : 'info';
}

const LOGGED = loggedMessages(
  ['apps', 'libs'].flatMap((top) => sourceFiles(join(ROOT, top))).map((f) => readFileSync(f, 'utf8')),
);

/** The levels a message is logged at: exact matches win over templates; unknown messages give none. */
function levelsOf(code: string, logged = LOGGED): string[] {
  const access = accessLineLevel(code);
  if (access) return [access];
  const matches = logged.filter((l) => l.pattern.test(code));
  const exact = matches.filter((l) => l.exact);
  return [...new Set((exact.length ? exact : matches).map((l) => l.level))];
}

/**
 * Lines shown after a level-filtered saved search, up to the next saved search the paragraph names,
 * must be logged at a level that search shows (unless the paragraph says the search does not show them).
 */
export function kibanaLevelIssues(page: Page, logged = LOGGED): string[] {
  return paragraphs(page.text).flatMap((p) => {
    const parts = p.text.split(/(?=(?:saved search|저장된 검색) ")/);
    return parts.flatMap((part) => {
      const title = /^(?:saved search|저장된 검색) "([^"]+)"/.exec(part)?.[1];
      const levels = title ? SAVED_SEARCHES.get(title) : undefined;
      if (!title || !levels || /\*\*not\*\*|does not|않/.test(part.slice(0, title.length + 40))) return [];
      return backticked(part).flatMap((code) => {
        const at = levelsOf(code, logged);
        return at.length && !at.some((l) => levels.has(l))
          ? [
              `${page.file}:${p.line}: \`${code}\` is logged at ${at.join('/')}, which saved search "${title}" (level:(${[...levels].join(' or ')})) does not show`,
            ]
          : [];
      });
    });
  });
}

// ---- Mystery seeds -------------------------------------------------------------------------------

/** scripts/fault.mjs's own pick for a seed. */
const pickOf = (seed: number) => (mysteryPick(seed) as Scenario).name;

export function seedTableIssues(markdown: string, file: string, pick = pickOf): string[] {
  const rows = [...markdown.matchAll(/^\s*\| (\d+) \| `([a-z-]+)` \|/gm)].map((m) => ({
    seed: Number(m[1]),
    name: m[2]!,
  }));
  const issues =
    rows.length === ALL_SCENARIOS.length
      ? []
      : [`${file}: ${rows.length} seed rows for ${ALL_SCENARIOS.length} scenarios`];
  for (const { seed, name } of rows) {
    if (pick(seed) !== name) issues.push(`${file}: seed ${seed} picks ${pick(seed)}, not ${name}`);
    const smallest = Array.from({ length: seed }, (_, s) => s).find((s) => pick(s) === name);
    if (smallest !== undefined) issues.push(`${file}: ${name}'s smallest seed is ${smallest}, not ${seed}`);
  }
  return issues;
}

// ---- The suite --------------------------------------------------------------------------------

describe('workshop claims (docs/workshop)', () => {
  it.each(LANGUAGES)(
    'the trainer table (%s) lists the catalogue alerts and the measured figures of each scenario',
    (language) => {
      const file = `${language}/trainer.md`;
      expect(trainerIssues(readFileSync(join(DOCS_DIR, file), 'utf8'), file)).toEqual([]);
    },
  );

  it('state only the measured p95 and 5xx of docs/scenarios.md', () => {
    expect(MEASURED.size).toBe(ALL_SCENARIOS.length);
    expect(PAGES.flatMap((p) => measuredIssues(p))).toEqual([]);
  });

  it('have hunts that claim only the alerts their catalogue entry expects (others hedged or negated)', () => {
    const issues = PAGES.filter((p) => /^(?:en|ko)\/hunts\//.test(p.file)).flatMap((p) => {
      const entry = BY_NAME.get(p.file.replace(/^\w+\/hunts\/|\.md$/g, ''));
      return entry ? unexpectedAlertIssues(p, entry) : [];
    });
    expect(issues).toEqual([]);
  });

  it('send people to a saved search that shows the level each named line is logged at', () => {
    expect(ACCESS_LEVELS, 'logger-options.ts logs 5xx at error and 4xx at warn').toBe(true);
    expect(levelsOf('order pending')).toEqual(['warn']);
    expect(levelsOf('alert firing: ServiceDown')).toEqual(['warn']);
    expect(PAGES.flatMap((p) => kibanaLevelIssues(p))).toEqual([]);
  });

  it.each(LANGUAGES)('the trainer guide (%s) states the memory sums of the README', (language) => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sums = [...readme.matchAll(/^- (?:Full|Lite) stack[^:\n]*: \*\*(\d+) MiB\*\*/gm)].map((m) => m[1]!);
    expect(sums.length).toBeGreaterThanOrEqual(3);
    const trainer = readFileSync(join(DOCS_DIR, language, 'trainer.md'), 'utf8');
    expect(sums.filter((s) => !trainer.includes(`${s} MiB`))).toEqual([]);
  });
});

describe('the mystery seed table (04-mystery.md)', () => {
  it.each(LANGUAGES)(
    '(%s) picks what scripts/fault.mjs picks, with the smallest seed for each scenario',
    (language) => {
      const file = `${language}/04-mystery.md`;
      expect(seedTableIssues(readFileSync(join(DOCS_DIR, file), 'utf8'), file)).toEqual([]);
    },
  );
});

describe('the claim checks', () => {
  const stale = (text: string): Page => ({ file: 'en/stale.md', text });

  it('flag a trainer row whose alerts or figures differ from the catalogue and docs/scenarios.md', () => {
    const measured = new Map([['n-plus-one', { p95: '11.5 → 25.3 ms', errors: '0 % → 0 %' }]]);
    const issues = trainerIssues(
      '| [`n-plus-one`](hunts/n-plus-one.md) | ★★☆ | `HighP95Latency` | p95 11.5 → 250 ms, 5xx 0 % → 0 % | — | trace |',
      'x.md',
      measured,
    );
    expect(issues.some((i) => i.includes('n-plus-one lists alerts [HighP95Latency]'))).toBe(true);
    expect(issues.some((i) => i.includes('measured'))).toBe(true);
  });

  it('flag a seed that picks another scenario, or is not the smallest', () => {
    const table = ALL_SCENARIOS.map(
      (s) =>
        `| ${s.name === 'n-plus-one' ? 12 : Array.from({ length: 500 }, (_, i) => i).find((i) => pickOf(i) === s.name)} | \`${s.name}\` |`,
    ).join('\n');
    expect(seedTableIssues(table, 'x.md')).toEqual(
      [expect.stringContaining("n-plus-one's smallest seed is 0, not 12")]
        .concat(pickOf(12) === 'n-plus-one' ? [] : [expect.stringContaining('seed 12 picks')])
        .sort(),
    );
  });

  it('flag a stated figure that is not the measured one', () => {
    expect(measuredIssues(stale('`n-plus-one`: p95 11.5 → 250.3 ms, 5xx 0 % → 3 %'))).toHaveLength(2);
  });

  it('flag a hunt that says an unexpected alert fires, not one that says it may', () => {
    const entry = BY_NAME.get('n-plus-one')!;
    expect(
      unexpectedAlertIssues(stale('The route is slow. `HighP95Latency` fires for the read path.'), entry),
    ).toHaveLength(1);
    expect(unexpectedAlertIssues(stale('`HighP95Latency` does not fire: 25 ms is far under 500 ms.'), entry)).toEqual(
      [],
    );
  });

  it('flag a warn line shown under the errors-only saved search', () => {
    const issues = kibanaLevelIssues(
      stale('Kibana, saved search "Errors by service": the order service logs `order pending` and `POST /orders 503`.'),
    );
    expect(issues).toEqual([expect.stringContaining('`order pending` is logged at warn')]);
    expect(
      kibanaLevelIssues(
        stale('Kibana, saved search "Warnings and errors by service": `order pending`, `POST /orders 503`.'),
      ),
    ).toEqual([]);
  });
});
