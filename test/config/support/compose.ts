/**
 * Reads docker-compose.yml (and its lite overlay) the way `docker compose` does, far
 * enough for the contract tests in test/config/compose.config-spec.ts: YAML with
 * anchors and merge keys, `${VAR}` interpolation from .env, and the merge rules the
 * overlays rely on (`!reset` included). Also small readers for the other configs that name host:port
 * pairs (fluent.conf's directive syntax, URL-ish strings).
 *
 * Docker itself is never involved: CI has none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type CollectionTag, YAMLSeq, parseDocument } from 'yaml';

/** A service as written in the compose file, after interpolation. */
export interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | number)[];
  expose?: (string | number)[];
  volumes?: string[];
  secrets?: (string | { source: string; target?: string })[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number; resources?: { limits?: { memory?: string } } };
  container_name?: string;
  hostname?: string;
  scale?: number;
  logging?: { driver?: string; options?: Record<string, string> };
  profiles?: string[];
  restart?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  secrets?: Record<string, { environment?: string; file?: string }>;
  volumes?: Record<string, unknown>;
}

/** What compose's `!reset` tag (Compose v2.24+) parses to: the key is removed from the merged model. */
export const RESET = Symbol('compose !reset');

class ResetSeq extends YAMLSeq {
  override toJSON(): unknown[] {
    return RESET as unknown as unknown[];
  }
}

/** `ports: !reset []` in an overlay: drop what the files before it set. */
const resetTag = {
  tag: '!reset',
  collection: 'seq',
  nodeClass: ResetSeq,
  resolve: (seq: YAMLSeq) => Object.assign(new ResetSeq(), { items: seq.items }),
} as unknown as CollectionTag;

/** Parses YAML strictly: merge keys on, duplicate keys and any other error thrown. */
export function parseYamlStrict<T>(text: string, file: string): T {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true, customTags: [resetTag] });
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('\n')}`);
  return doc.toJS({ maxAliasCount: -1 }) as T;
}

/** KEY=VALUE lines of a dotenv file; comments and blank lines skipped, quotes removed. */
export function readDotEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const raw = m[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    env[m[1]!] = quoted ? quoted[2]! : raw.replace(/\s+#.*$/, '');
  }
  return env;
}

/** A `${…}` reference found while interpolating. */
export interface VariableUse {
  name: string;
  /** `:-`, `-`, `:?`, `?`, `:+`, `+`, or '' for a plain `${VAR}` / `$VAR`. */
  operator: string;
  /** The default (`:-`/`-`) as written, before its own interpolation. */
  argument?: string;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Compose's interpolation of one string: `$$` is a literal `$`; `:-`/`-` default,
 * `:?`/`?` require (recorded in `errors`), `:+`/`+` replace. The colon forms treat an
 * empty value as unset.
 */
export function interpolate(value: string, env: Record<string, string>, uses: VariableUse[], errors: string[]): string {
  return value.replace(REFERENCE, (whole, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    uses.push({ name, operator: operator ?? '', argument });
    const current = env[name];
    const set = current !== undefined && (current !== '' || !operator?.startsWith(':'));
    const inner = () => interpolate(argument ?? '', env, uses, errors);
    switch (operator) {
      case ':-':
      case '-':
        return set ? current! : inner();
      case ':?':
      case '?':
        if (!set) errors.push(`${name}: ${argument || 'required'}`);
        return current ?? '';
      case ':+':
      case '+':
        return set ? inner() : '';
      default:
        if (current === undefined) errors.push(`${name} is not set (and has no default)`);
        return current ?? '';
    }
  });
}

/** Interpolates every string value (never keys) of a parsed YAML tree. */
export function interpolateTree<T>(tree: T, env: Record<string, string>, uses: VariableUse[], errors: string[]): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolate(node, env, uses, errors);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(tree) as T;
}

export interface LoadedCompose {
  model: ComposeFile;
  uses: VariableUse[];
  errors: string[];
}

/** Parses and interpolates compose files, then merges them left to right. */
export function loadCompose(files: string[], env: Record<string, string>): LoadedCompose {
  const uses: VariableUse[] = [];
  const errors: string[] = [];
  const models = files.map((file) => {
    const raw = parseYamlStrict<ComposeFile>(readFileSync(file, 'utf8'), file);
    return interpolateTree(raw, env, uses, errors);
  });
  const model = withoutResets(models.reduce((base, next) => mergeNode(base, next, []) as ComposeFile));
  return { model, uses, errors };
}

/**
 * Compose's merge rules, as far as our files need them: mappings merge, sequences
 * append, `command`/`entrypoint`/`healthcheck.test` are replaced, and `logging` is
 * replaced whole when the driver changes (compose-go: options are merged only for
 * the same driver), and a key tagged `!reset` is removed.
 */
function mergeNode(base: unknown, next: unknown, path: string[]): unknown {
  const key = path.at(-1);
  if (Array.isArray(base) && Array.isArray(next)) {
    return ['command', 'entrypoint', 'test'].includes(key ?? '') ? next : [...base, ...next];
  }
  if (isMapping(base) && isMapping(next)) {
    if (key === 'logging' && base.driver && next.driver && base.driver !== next.driver) return next;
    const merged: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(next)) {
      if (v === RESET) delete merged[k];
      else merged[k] = k in base ? mergeNode(base[k], v, [...path, k]) : v;
    }
    return merged;
  }
  return next;
}

/** A `!reset` with nothing before it to reset (a file on its own) leaves no key behind either. */
function withoutResets<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutResets) as T;
  if (!isMapping(node)) return node;
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== RESET).map(([k, v]) => [k, withoutResets(v)])) as T;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** `256M`, `1G`, `512m`, `1024k`, bytes → MiB (compose's units are binary). */
export function mebibytes(limit: string | number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg])?i?b?$/i.exec(String(limit).trim());
  if (!m) throw new Error(`not a memory size: ${limit}`);
  const factor = { b: 1 / 1024 ** 2, k: 1 / 1024, m: 1, g: 1024 }[(m[2] ?? 'b').toLowerCase() as 'b' | 'k' | 'm' | 'g'];
  return Number(m[1]) * factor;
}

export interface PortMapping {
  hostIp?: string;
  hostPort?: number;
  containerPort: number;
}

/** `127.0.0.1:3000:3000`, `3000:3000`, `3000`, `3000/tcp`. */
export function portMapping(spec: string | number): PortMapping {
  const parts = String(spec).replace(/\/(tcp|udp)$/, '').split(':');
  const containerPort = Number(parts.at(-1));
  if (parts.length === 1) return { containerPort };
  return { hostIp: parts.length === 3 ? parts[0] : undefined, hostPort: Number(parts.at(-2)), containerPort };
}

/** Ports a service listens on inside the network: its published container ports and `expose`. */
export function exposedPorts(service: Service): number[] {
  const published = (service.ports ?? []).map((p) => portMapping(p).containerPort);
  return [...published, ...(service.expose ?? []).map(Number)];
}

/** Host port → container port of a service's published ports. */
export function publishedPorts(service: Service): Map<number, number> {
  return new Map(
    (service.ports ?? []).map(portMapping).flatMap((p) => (p.hostPort ? [[p.hostPort, p.containerPort] as const] : [])),
  );
}

export function dependencies(service: Service): [string, string | undefined][] {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return deps.map((name) => [name, undefined]);
  return Object.entries(deps).map(([name, dep]) => [name, dep?.condition]);
}

/** `source:target[:ro]` bind mounts (source starts with . or /) as [source, target]. */
export function bindMounts(service: Service): [string, string][] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => source!.startsWith('.') || source!.startsWith('/'))
    .map(([source, target]) => [source!, target!]);
}

export function namedVolumeMounts(service: Service): [string, string][] {
  return (service.volumes ?? [])
    .map((v) => v.split(':'))
    .filter(([source]) => !source!.startsWith('.') && !source!.startsWith('/'))
    .map(([source, target]) => [source!, target!]);
}

/** The healthcheck as an argv (CMD form), or undefined without one. */
export function healthcheckArgv(service: Service): string[] | undefined {
  const test = service.healthcheck?.test;
  if (!test || service.healthcheck?.disable) return undefined;
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}

export function commandArgs(service: Service): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command.map(String);
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

/** One `<name arg>` … `</name>` block of a Fluentd config. */
export interface FluentDirective {
  name: string;
  arg: string;
  params: Record<string, string>;
  children: FluentDirective[];
}

/** Fluentd's config syntax: nested `<directive arg>` blocks of `key value` lines. */
export function parseFluentConf(text: string): FluentDirective {
  const root: FluentDirective = { name: 'root', arg: '', params: {}, children: [] };
  const stack = [root];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const open = /^<([\w@]+)\s*(.*?)>$/.exec(line);
    const close = /^<\/([\w@]+)>$/.exec(line);
    if (close) {
      const done = stack.pop()!;
      if (done.name !== close[1]) throw new Error(`fluent.conf: </${close[1]}> closes <${done.name}>`);
    } else if (open) {
      const directive = { name: open[1]!, arg: open[2]!, params: {}, children: [] };
      stack.at(-1)!.children.push(directive);
      stack.push(directive);
    } else {
      const [key, ...rest] = line.split(/\s+/);
      stack.at(-1)!.params[key!] = rest.join(' ');
    }
  }
  if (stack.length !== 1) throw new Error(`fluent.conf: <${stack.at(-1)!.name}> is never closed`);
  return root;
}

export function allDirectives(node: FluentDirective): FluentDirective[] {
  return node.children.flatMap((child) => [child, ...allDirectives(child)]);
}

/** Does a Fluentd match pattern (`docker.**`, `a.*`, `{a,b}.c`, several separated by spaces) cover the tag? */
export function fluentPatternMatches(patterns: string, tag: string): boolean {
  return patterns.split(/\s+/).some((pattern) => {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      if (pattern.startsWith('.**', i) && i + 3 === pattern.length) {
        source += '(?:\\..*)?';
        i += 2;
      } else if (pattern.startsWith('**', i)) {
        source += '.*';
        i += 1;
      } else if (pattern[i] === '*') source += '[^.]+';
      else if (pattern[i] === '{') {
        const end = pattern.indexOf('}', i);
        source += `(?:${pattern.slice(i + 1, end).split(',').map(escapeRegex).join('|')})`;
        i = end;
      } else source += escapeRegex(pattern[i]!);
    }
    return new RegExp(`^${source}$`).test(tag);
  });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
