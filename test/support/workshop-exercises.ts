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
  if (found.length !== 1) throw new Error(`expected one \`\`\`${lang} answer in a <details> block, found ${found.length}`);
  return found[0]!.trim();
}

/** `TRACEPARENT=<value>` assignments in the page's shell blocks, placeholders (`<your trace id>`) left out. */
export function traceparentExamples(markdown: string): string[] {
  return fences(markdown, 'bash').flatMap((body) => [...body.matchAll(/^TRACEPARENT=(\S+)/gm)].map((m) => m[1]!).filter((v) => !v.includes('<')));
}

/** The JSON bodies the page's curl commands send (`-d '{…}'`). */
export function curlBodies(markdown: string): unknown[] {
  return fences(markdown, 'bash').flatMap((body) => [...body.matchAll(/-d '(\{[^']*\})'/g)].map((m) => JSON.parse(m[1]!) as unknown));
}

/** The arguments of the page's `npm run fault -- …` commands, in page order. */
export function faultCommands(markdown: string): string[][] {
  return fences(markdown, 'bash').flatMap((body) =>
    [...body.matchAll(/^npm run fault -- ([^#\n]+)/gm)].map((m) => m[1]!.trim().split(/\s+/)),
  );
}

/**
 * W3C Trace Context, version 00: `00-<32 hex>-<16 hex>-<2 hex>`, lower case, neither id all zeros
 * (https://www.w3.org/TR/trace-context/#traceparent-header-field-values). Anything else must be
 * ignored by the receiver, which then starts a trace of its own.
 */
const TRACEPARENT_00 = /^00-(?!0{32}-)([0-9a-f]{32})-(?!0{16}-)([0-9a-f]{16})-([0-9a-f]{2})$/;

export type TraceparentKind = 'sampled' | 'unsampled' | 'malformed';

export function parseTraceparent(value: string): { kind: TraceparentKind; traceId?: string; parentId?: string } {
  const m = TRACEPARENT_00.exec(value);
  if (!m) return { kind: 'malformed' };
  const sampled = (parseInt(m[3]!, 16) & 1) === 1;
  return { kind: sampled ? 'sampled' : 'unsampled', traceId: m[1]!, parentId: m[2]! };
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
      if (!m) throw new Error(`"${part}" is not a field:value condition (the exercise answers are conditions joined by and)`);
      const [, field, quoted, list, plain] = m;
      const values = list !== undefined ? list.split(/\s+or\s+/).map((v) => v.trim().replace(/^"|"$/g, '')) : [quoted ?? plain!];
      return { field: field!, values };
    });
}

/** Whether a log line (a parsed JSON object) meets every condition; `<…>` placeholders take the given values. */
export function matchesKql(terms: KqlTerm[], line: Record<string, unknown>, placeholders: Record<string, string> = {}): boolean {
  return terms.every(({ field, values }) => {
    const actual = field.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), line);
    return actual !== undefined && values.map((v) => placeholders[v] ?? v).includes(String(actual));
  });
}
