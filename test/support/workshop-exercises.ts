import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The hands-on exercises of the workshop labs, read from the pages participants read: the
 * `traceparent` headers of lab 3, the KQL answer of lab 1 and the PromQL answer of lab 2. The config
 * suite checks their names against the configs; the integration suite runs them against the services.
 */
const ROOT = resolve(import.meta.dirname, '../..');
export const LANGUAGES = ['en', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

export function labPage(language: Language, file: string): string {
  return readFileSync(join(ROOT, 'docs/workshop', language, file), 'utf8');
}

/** The bodies of the fenced blocks of one language (```kql, ```bash, …). */
export function fences(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2]!);
}

/** Fenced blocks of one language inside collapsed <details> blocks: the answers. */
export function answers(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(/<details>([\s\S]*?)<\/details>/g)].flatMap((m) => fences(m[1]!, lang));
}

/** The one answer of a language on a page (a page with none, or two, is a mistake the caller should see). */
export function onlyAnswer(markdown: string, lang: string): string {
  const found = answers(markdown, lang);
  if (found.length !== 1)
    throw new Error(`expected one \`\`\`${lang} answer in a <details> block, found ${found.length}`);
  return found[0]!.trim();
}

/** `TRACEPARENT=<value>` assignments in the page's shell blocks, placeholders (`<your trace id>`) left out. */
export function traceparentExamples(markdown: string): string[] {
  return fences(markdown, 'bash').flatMap((body) =>
    [...body.matchAll(/^TRACEPARENT=(\S+)/gm)].map((m) => m[1]!).filter((v) => !v.includes('<')),
  );
}

/** The JSON bodies the page's curl commands send (`-d '{…}'`). */
export function curlBodies(markdown: string): unknown[] {
  return fences(markdown, 'bash').flatMap((body) =>
    [...body.matchAll(/-d '(\{[^']*\})'/g)].map((m) => JSON.parse(m[1]!) as unknown),
  );
}

/** The arguments of the page's `npm run fault -- …` commands, in page order. */
export function faultCommands(markdown: string): string[][] {
  return fences(markdown, 'bash').flatMap((body) =>
    [...body.matchAll(/^npm run fault -- ([^#\n]+)/gm)].map((m) => m[1]!.trim().split(/\s+/)),
  );
}

/**
 * W3C Trace Context (`00-<32 hex>-<16 hex>-<2 hex>`, neither id all zeros): a header the propagator
 * cannot read is ignored, and the receiver starts a trace of its own.
 */
export type TraceparentKind = 'sampled' | 'unsampled' | 'malformed';

/** A traceparent header as the services read it: OpenTelemetry's W3C propagator, the one the SDK installs. */
export function parseTraceparent(value: string): { kind: TraceparentKind; traceId?: string; parentId?: string } {
  const context = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, { traceparent: value }, defaultTextMapGetter);
  const span = trace.getSpanContext(context);
  if (!span) return { kind: 'malformed' };
  return {
    kind: (span.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? 'sampled' : 'unsampled',
    traceId: span.traceId,
    parentId: span.spanId,
  };
}

/** One condition of a KQL query: `field:value`, `field:"value"` or `field:(a or b)`. */
export interface KqlTerm {
  field: string;
  values: string[];
}

const KQL_TERM = /^([\w.@]+):(?:"([^"]*)"|\(([^()]+)\)|([^\s"()]+))$/;

/**
 * The conditions of a KQL query written as conditions joined by `and`, which is all the labs teach.
 * Not a KQL parser: any other form (or, not, nesting, wildcards in field names) is refused, so an answer
 * that grows beyond it fails the tests instead of being misread.
 */
export function kqlTerms(query: string): KqlTerm[] {
  return query
    .trim()
    .split(/\s+and\s+/)
    .map((part) => {
      const m = KQL_TERM.exec(part.trim());
      if (!m)
        throw new Error(`"${part}" is not a field:value condition (the exercise answers are conditions joined by and)`);
      const [, field, quoted, list, plain] = m;
      const values =
        list !== undefined ? list.split(/\s+or\s+/).map((v) => v.trim().replace(/^"|"$/g, '')) : [quoted ?? plain!];
      return { field: field!, values };
    });
}

/** Whether a log line (a parsed JSON object) meets every condition; `<…>` placeholders take the given values. */
export function matchesKql(
  terms: KqlTerm[],
  line: Record<string, unknown>,
  placeholders: Record<string, string> = {},
): boolean {
  return terms.every(({ field, values }) => {
    const actual = field
      .split('.')
      .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), line);
    return actual !== undefined && values.map((v) => placeholders[v] ?? v).includes(String(actual));
  });
}
