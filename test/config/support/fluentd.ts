import { readFileSync } from 'node:fs';

/** One `<name arg>` … `</name>` section of a Fluentd config, with its `key value` lines. */
export interface Directive {
  name: string;
  arg: string;
  params: Record<string, string>;
  children: Directive[];
}

/**
 * Reads Fluentd's config syntax as far as these checks need: nested sections,
 * `key value` parameters (value = rest of the line) and `#` comment lines.
 */
export function parseFluentConf(text: string): Directive {
  const root: Directive = { name: 'ROOT', arg: '', params: {}, children: [] };
  const stack = [root];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const current = stack[stack.length - 1]!;
    const close = /^<\/([\w@.-]+)>$/.exec(line);
    if (close) {
      if (current.name !== close[1]) throw new Error(`line ${index + 1}: </${close[1]}> closes <${current.name}>`);
      stack.pop();
      return;
    }
    const open = /^<([\w@.-]+)(?:\s+([^>]*))?>$/.exec(line);
    if (open) {
      const child: Directive = { name: open[1]!, arg: (open[2] ?? '').trim(), params: {}, children: [] };
      current.children.push(child);
      stack.push(child);
      return;
    }
    const param = /^(@?[\w.-]+)(?:\s+(.*))?$/.exec(line);
    if (!param) throw new Error(`line ${index + 1}: cannot read "${line}"`);
    current.params[param[1]!] = (param[2] ?? '').trim();
  });
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  return root;
}

/** Every section below `from` (depth first) that `match` accepts. */
export function findAll(from: Directive, match: (d: Directive) => boolean): Directive[] {
  return from.children.flatMap((child) => [...(match(child) ? [child] : []), ...findAll(child, match)]);
}

/** The one section `match` accepts; throws when there are none or several. */
export function findOne(from: Directive, what: string, match: (d: Directive) => boolean): Directive {
  const found = findAll(from, match);
  if (found.length !== 1) throw new Error(`expected one ${what} in fluent.conf, found ${found.length}`);
  return found[0]!;
}

/** The `<label @NAME>` section. */
export function label(root: Directive, name: string): Directive {
  return findOne(root, `<label ${name}>`, (d) => d.name === 'label' && d.arg === name);
}

/**
 * A Fluentd tag pattern (`docker.**`, `a.*`, `{a,b}.c`) as a RegExp: `*` is one
 * tag part, `**` zero or more parts (Fluentd's MatchPattern).
 */
export function tagPattern(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (pattern.startsWith('.**', i)) {
      out += '(?:\\.[^.]+)*';
      i += 2;
    } else if (pattern.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^.]*';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += c.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A Fluentd `/…/` regexp parameter as a JavaScript RegExp (the simple syntax both share). */
export function rubyRegExp(param: string): RegExp {
  const m = /^\/(.*)\/([imx]*)$/.exec(param);
  if (!m) throw new Error(`not a /regexp/: ${param}`);
  return new RegExp(m[1]!, m[2]!.replace('x', ''));
}

const STRPTIME: Record<string, string> = {
  Y: '[+-]?\\d{4}',
  m: '\\d{2}',
  d: '\\d{2}',
  H: '\\d{2}',
  M: '\\d{2}',
  S: '\\d{2}',
  L: '\\d{3}',
  N: '\\d{1,9}',
  z: '(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)',
  '%': '%',
};

/** A Ruby strptime format (`%Y-%m-%dT%H:%M:%S.%N%z`) as an anchored RegExp; unknown directives throw. */
export function strptimeRegExp(format: string): RegExp {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const directive = format[++i];
    const re = directive === undefined ? undefined : STRPTIME[directive];
    if (re === undefined) throw new Error(`strptime directive %${directive ?? ''} is not understood by this check`);
    out += re;
  }
  return new RegExp(`^${out}$`);
}

interface FieldMapping {
  type?: string;
  dynamic?: boolean | string;
  properties?: Record<string, FieldMapping>;
}

export interface IndexTemplate {
  index_patterns: string[];
  priority?: number;
  template: {
    settings?: Record<string, unknown>;
    mappings: {
      date_detection?: boolean;
      dynamic_templates?: Record<string, { match_mapping_type?: string; mapping: { type: string } }>[];
      properties: Record<string, FieldMapping>;
    };
  };
}

/** A mapped field: its type (`object` for sections with properties) and whether unknown subfields are dropped. */
export interface MappedField {
  type: string;
  closed: boolean;
}

/** Every mapped field of the template by dotted path (`req.id`). */
export function mappedFields(template: IndexTemplate): Map<string, MappedField> {
  const out = new Map<string, MappedField>();
  const walk = (props: Record<string, FieldMapping>, prefix: string) => {
    for (const [name, field] of Object.entries(props)) {
      const path = `${prefix}${name}`;
      out.set(path, { type: field.type ?? 'object', closed: field.dynamic === false || field.dynamic === 'false' });
      if (field.properties) walk(field.properties, `${path}.`);
    }
  };
  walk(template.template.mappings.properties, '');
  return out;
}

/** An index pattern (`fluentd-*`) as a RegExp. */
export function indexPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The JSON objects of an ndjson file, one a line; throws naming the line that is not one. */
export function readNdjson(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`line ${i + 1} is not a JSON object`);
      return value as Record<string, unknown>;
    });
}

export type JsonKind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

export function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonKind;
}

/** Every leaf and object of a record by dotted path, arrays as one entry per element. */
export function flatten(record: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(record).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    const values = Array.isArray(value) ? value : [value];
    return values.flatMap((v): [string, unknown][] =>
      kindOf(v) === 'object' ? [[path, v], ...flatten(v as Record<string, unknown>, `${path}.`)] : [[path, v]],
    );
  });
}

const TYPE_ACCEPTS: Record<string, (v: unknown) => boolean> = {
  keyword: (v) => typeof v === 'string',
  text: (v) => typeof v === 'string',
  date: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  long: (v) => Number.isInteger(v),
  integer: (v) => Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 - 1,
  short: (v) => Number.isInteger(v) && Math.abs(v as number) <= 2 ** 15 - 1,
  float: (v) => typeof v === 'number',
  double: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  object: (v) => kindOf(v) === 'object',
};

/** Whether Elasticsearch would index `value` into a field of `type` without a mapping error (null always is). */
export function fits(type: string, value: unknown): boolean {
  if (value === null) return true;
  const accepts = TYPE_ACCEPTS[type];
  if (!accepts) throw new Error(`mapping type ${type} is not known to this check`);
  return accepts(value);
}
