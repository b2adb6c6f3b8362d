/**
 * The hands-on parts of the workshop: exercises where participants write the query or the header
 * themselves, and the hint ladders of the hunts. What can be checked without the services is checked
 * here; test/integration/hands-on.int-spec.ts runs the same exercises against them.
 *
 *   - lab 3's `traceparent` examples: one of each kind (sampled, not sampled, malformed), the same in both
 *     languages; the field Kibana is sent to is the one the index template maps; the sampler it names is
 *     compose's;
 *   - lab 1's KQL answer: conditions joined by `and` on fields the index template maps, with levels pino
 *     writes and a service that exists; the same in both languages;
 *   - lab 2's PromQL answer: the same in both languages (docs names-check checks its metric);
 *   - every hunt's first hint links a dashboard and names no span: where to look, not the answer; the
 *     culprit span comes in a later hint, before the answer.
 */
import { SCENARIOS, type Scenario } from '@app/faults';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IndexTemplate, mappedFields } from './support/log-documents.js';
import { ROOT } from './support/grafana.js';
import {
  LANGUAGES,
  type Language,
  kqlTerms,
  labPage,
  onlyAnswer,
  parseTraceparent,
  traceparentExamples,
} from '../support/workshop-exercises.js';

const ALL_SCENARIOS = SCENARIOS as readonly Scenario[];
const TEMPLATE_FIELDS = mappedFields(
  JSON.parse(readFileSync(join(ROOT, 'observability/elasticsearch/index-template.json'), 'utf8')) as IndexTemplate,
);
const LOGGER_OPTIONS = readFileSync(join(ROOT, 'libs/observability/src/logging/logger-options.ts'), 'utf8');
/** The level labels pino writes (logger-options.ts, LEVEL_LABELS). */
const PINO_LEVELS = new Set(
  [...(/LEVEL_LABELS[^=]*= \{([^}]*)\}/.exec(LOGGER_OPTIONS)?.[1] ?? '').matchAll(/'(\w+)'/g)].map((m) => m[1]!),
);
const SERVICES = new Set(readdirSync(join(ROOT, 'apps')));

describe('lab 3, your own trace id', () => {
  it.each(LANGUAGES)('(%s) gives a sampled, an unsampled and malformed traceparent examples', (language) => {
    const kinds = traceparentExamples(labPage(language, '03-traces.md')).map((v) => parseTraceparent(v).kind);
    expect(kinds.filter((k) => k === 'sampled')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'unsampled')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'malformed').length).toBeGreaterThanOrEqual(2);
  });

  it('gives the same examples in both languages, each valid one with a trace id of its own', () => {
    const [en, ko] = LANGUAGES.map((language) => traceparentExamples(labPage(language, '03-traces.md')));
    expect(ko).toEqual(en);
    const traceIds = en!.map((v) => parseTraceparent(v).traceId).filter(Boolean);
    expect(new Set(traceIds).size).toBe(traceIds.length);
  });

  it.each(LANGUAGES)(
    '(%s) sends the header with curl and searches Kibana by trace_id, a keyword of the index template',
    (language) => {
      const page = labPage(language, '03-traces.md');
      expect(page).toContain('-H "traceparent: $TRACEPARENT"');
      expect(page).toMatch(/`trace_id:"<[^>"]+>"`/);
      expect(TEMPLATE_FIELDS.get('trace_id')?.type).toBe('keyword');
      expect(TEMPLATE_FIELDS.get('trace_flags')?.type).toBe('keyword');
    },
  );

  it.each(LANGUAGES)('(%s) names the sampler compose runs the services with', (language) => {
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const sampler = /OTEL_TRACES_SAMPLER: \$\{OTEL_TRACES_SAMPLER:-(\w+)\}/.exec(compose)?.[1];
    expect(sampler).toBe('parentbased_always_on');
    expect(labPage(language, '03-traces.md')).toContain(`OTEL_TRACES_SAMPLER=${sampler}`);
  });
});

describe('lab 1, a KQL query of your own', () => {
  const answer = (language: Language) => onlyAnswer(labPage(language, '01-logs.md'), 'kql');

  it.each(LANGUAGES)('(%s) answers with conditions on fields the index template maps', (language) => {
    const terms = kqlTerms(answer(language));
    expect(terms.length).toBeGreaterThanOrEqual(3);
    expect(terms.filter((t) => !TEMPLATE_FIELDS.has(t.field)).map((t) => t.field)).toEqual([]);
    const values = (field: string) => terms.filter((t) => t.field === field).flatMap((t) => t.values);
    expect(values('level').length).toBeGreaterThan(0);
    expect(values('level').filter((l) => !PINO_LEVELS.has(l))).toEqual([]);
    expect(values('service').filter((s) => !SERVICES.has(s))).toEqual([]);
  });

  it('has the same answer in both languages', () => {
    expect(answer('ko')).toBe(answer('en'));
  });
});

describe('lab 2, a PromQL query of your own', () => {
  it('has the same answer in both languages', () => {
    const [en, ko] = LANGUAGES.map((language) => onlyAnswer(labPage(language, '02-metrics-and-alerts.md'), 'promql'));
    expect(en).toMatch(/http_server_request_duration_seconds_count/);
    expect(ko).toBe(en);
  });
});

// ---- Hint ladders ------------------------------------------------------------------------------

interface Hint {
  title: string;
  body: string;
}

/** The hints of a hunt page in order: <details> blocks whose summary starts "Hint N" / "힌트 N". */
function hintsOf(markdown: string): Hint[] {
  return [...markdown.matchAll(/<details>\s*<summary>((?:Hint|힌트) \d[^<]*)<\/summary>([\s\S]*?)<\/details>/g)].map(
    (m) => ({ title: m[1]!, body: m[2]! }),
  );
}

const code = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
/** Span names as the labs write them: dotted lower case, a messaging span, a Nest handler, a pg query (workshop-docs.config-spec.ts). */
const SPAN_SHAPE =
  /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$|^(?:create|send|receive|process|settle) [a-z][\w.-]*$|^[A-Z]\w*Controller\.\w+$|^pg\.query:[A-Z]+/;

function ladderIssues(markdown: string, entry: Scenario): string[] {
  const hints = hintsOf(markdown);
  const first = hints[0];
  if (!first || hints.length < 3) return [`${hints.length} hints; a ladder needs at least 3`];
  const culprit = entry.evidence.trace.span;
  const spans = code(first.body).filter((c) => c === culprit || SPAN_SHAPE.test(c));
  return [
    ...(/http:\/\/localhost:3100\/d\/[\w-]+/.test(first.body)
      ? []
      : [`hint 1 ("${first.title}") links no dashboard: start with where to look`]),
    ...spans.map((s) => `hint 1 ("${first.title}") names the span \`${s}\`: leave the trace for a later hint`),
    ...(hints.slice(1).some((h) => code(h.body).includes(culprit))
      ? []
      : [`no hint after the first names the culprit span \`${culprit}\``]),
  ];
}

describe('hint ladders (docs/workshop/*/hunts)', () => {
  describe.each(ALL_SCENARIOS.flatMap((entry) => LANGUAGES.map((language) => ({ entry, language }))))(
    '$entry.name ($language)',
    ({ entry, language }) => {
      it('starts where to look (a dashboard, no span) and reaches the culprit span in a later hint', () => {
        expect(ladderIssues(labPage(language, `hunts/${entry.name}.md`), entry)).toEqual([]);
      });
    },
  );

  it('flag a first hint that names the culprit span or no dashboard, and a ladder that never reaches the span', () => {
    const entry = ALL_SCENARIOS.find((s) => s.name === 'payment-latency')!;
    const hint = (n: number, body: string) => `<details>\n<summary>Hint ${n} · x</summary>\n\n${body}\n\n</details>\n`;
    const giveaway = hint(1, 'It is `payment.authorize`.') + hint(2, 'Metrics.') + hint(3, 'Logs.');
    expect(ladderIssues(giveaway, entry)).toEqual([
      expect.stringContaining('links no dashboard'),
      expect.stringContaining('names the span `payment.authorize`'),
      expect.stringContaining('no hint after the first names the culprit span'),
    ]);
    const good =
      hint(1, 'Open http://localhost:3100/d/service-overview.') +
      hint(2, 'Metrics.') +
      hint(3, 'Jaeger: `payment.authorize`.');
    expect(ladderIssues(good, entry)).toEqual([]);
  });
});
