/**
 * Small readers over the compose project as compose-go loads it (test/support/compose-config.ts:
 * merge, interpolation, `!reset` and the spec's validation are Docker Compose's own), and over the
 * other files the contract tests read. Docker itself is never involved: CI has none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { parseDocument } from 'yaml';
import type { ConfiguredService } from '../../support/compose-config.js';

export type { ConfiguredProject, ConfiguredService } from '../../support/compose-config.js';

/** Parses YAML strictly: merge keys on, duplicate keys and any other error thrown. */
export function parseYamlStrict<T>(text: string, file: string): T {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS({ maxAliasCount: -1 }) as T;
}

/** A dotenv file as Node reads it (util.parseEnv). */
export function readDotEnv(file: string): Record<string, string> {
  return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** `256M`, `1G`, `512Mi`, `1024k`, or bytes (compose-go's normal form) → MiB; the units are binary. */
export function mebibytes(limit: string | number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(String(limit).trim());
  if (!m) throw new Error(`not a memory size: ${limit}`);
  const factor = { b: 1 / 1024 ** 2, k: 1 / 1024, m: 1, g: 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'k' | 'm' | 'g'];
  return Number(m[1]) * factor;
}

/** A service's memory limit in MiB (NaN without one). */
export const memoryOf = (service: ConfiguredService): number =>
  mebibytes(service.deploy?.resources?.limits?.memory ?? NaN);

/** Host port → container port of a service's published ports. */
export function publishedPorts(service: ConfiguredService): Map<number, number> {
  return new Map((service.ports ?? []).flatMap((p) => (p.published ? [[Number(p.published), p.target] as const] : [])));
}

/** Ports a service listens on inside the network: its published container ports and `expose`. */
export function exposedPorts(service: ConfiguredService): number[] {
  return [...(service.ports ?? []).map((p) => p.target), ...(service.expose ?? []).map(Number)];
}

export function dependencies(service: ConfiguredService): [string, string][] {
  return Object.entries(service.depends_on ?? {}).map(([name, dep]) => [name, dep.condition]);
}

/** Bind mounts, source as an absolute path. */
export const binds = (service: ConfiguredService) => (service.volumes ?? []).filter((v) => v.type === 'bind');

/** Named volumes mounted by the service. */
export const namedVolumes = (service: ConfiguredService) => (service.volumes ?? []).filter((v) => v.type === 'volume');

/** The healthcheck's test (CMD form), or undefined without one. */
export function healthcheckTest(service: ConfiguredService): string[] | undefined {
  const test = service.healthcheck?.test;
  return !test || service.healthcheck?.disable || test[0] === 'NONE' ? undefined : test;
}

/** A host:port a config names, with where it was found. */
export interface Endpoint {
  host: string;
  port: number;
  source: string;
}

const HOST_PORT = /(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/\s"'[\]]*@)?([A-Za-z0-9_.-]+):(\d{2,5})\b/g;

/** Every host:port in a string (URLs with or without credentials, bare host:port). */
export function endpointsIn(text: string, source: string): Endpoint[] {
  return [...text.matchAll(HOST_PORT)]
    .filter((m) => /[A-Za-z]/.test(m[1]!) || /^\d+\.\d+\.\d+\.\d+$/.test(m[1]!))
    .map((m) => ({ host: m[1]!, port: Number(m[2]), source }));
}

export const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * When Docker's fluentd logging driver dials the collector, in seconds after the first
 * try, for its `fluentd-retry-wait` (ms) and `fluentd-max-retries`. The driver uses
 * fluent-logger-golang (connectWithRetry): dial 1 at once, then before dial n it waits
 * retryWait x int(1.5^(n-3)) ms, capped at its MaxRetryWait of 60 s, which Docker does not
 * change. After the last dial fails, the oldest buffered line is dropped.
 */
export function fluentdDialTimes(retryWaitMs: number, maxRetries: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < maxRetries; i++) {
    times.push(at / 1000);
    at += Math.min(retryWaitMs * Math.trunc(1.5 ** (i - 1)), 60_000);
  }
  return times;
}

export function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Every string value in a parsed tree, with its path (`a.b[0].c`). */
export function stringsIn(tree: unknown, path = ''): [string, string][] {
  if (typeof tree === 'string') return [[path, tree]];
  if (Array.isArray(tree)) return tree.flatMap((v, i) => stringsIn(v, `${path}[${i}]`));
  if (tree && typeof tree === 'object') {
    return Object.entries(tree).flatMap(([k, v]) => stringsIn(v, path ? `${path}.${k}` : k));
  }
  return [];
}
