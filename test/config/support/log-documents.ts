import { readFileSync } from 'node:fs';

/**
 * The documents a log collector writes to Elasticsearch, whichever runs: Fluentd
 * (observability/fluentd/fluent.conf, the default) or Logstash (the overlay
 * docker-compose.logstash.yml, observability/logstash/pipeline/). One list, read by
 * test/config/fluentd.config-spec.ts and test/config/logstash.config-spec.ts and held
 * to observability/elasticsearch/index-template.json, so that the index template,
 * Kibana's data view and saved searches and Grafana's Elasticsearch datasource work
 * unchanged whichever collector wrote the documents.
 */

/** Daily indices `fluentd-YYYY.MM.DD` (UTC): the name stays when Logstash writes them. */
export const INDEX_PREFIX = 'fluentd';

/** The composable template both collectors install at start (PUT _index_template/fluentd). */
export const TEMPLATE_NAME = 'fluentd';

/** Where both collectors write: the compose service and its port. */
export const ELASTICSEARCH = { host: 'elasticsearch', port: 9200 } as const;

/** The record field the Docker fluentd driver puts a container's line in, as a string. */
export const LINE_FIELD = 'log';

/** The services' own event time (pino's ISO 8601 `time`), which becomes @timestamp and is kept. */
export const TIME_FIELD = 'time';

/** The driver's tag (`docker.<container name>`), kept in this field. */
export const TAG_FIELD = 'fluentd_tag';

/**
 * Fields every document carries whatever wrote the line, with the type the template
 * must map them as: set by the collector (@timestamp, msg for lines that are not JSON,
 * service for containers that do not name themselves, the tag) or by the Docker driver.
 */
export const COLLECTOR_FIELDS: Readonly<Record<string, string>> = {
  '@timestamp': 'date',
  msg: 'text',
  service: 'keyword',
  [TAG_FIELD]: 'keyword',
  container_id: 'keyword',
  container_name: 'keyword',
  source: 'keyword',
};

/**
 * Fields of the services' JSON lines that the labs, saved searches and dashboards use,
 * with the type the template must map them as. Numbers stay numbers: a collector that
 * turned them into strings would break range queries and the template's mapping.
 */
export const APP_FIELDS: Readonly<Record<string, string>> = {
  [TIME_FIELD]: 'date',
  level: 'keyword',
  service: 'keyword',
  msg: 'text',
  trace_id: 'keyword',
  span_id: 'keyword',
  method: 'keyword',
  route: 'keyword',
  status_code: 'integer',
  duration_ms: 'float',
  order_id: 'keyword',
  payment_id: 'keyword',
  event_id: 'keyword',
  'req.id': 'keyword',
};

/** Input-side fields neither collector indexes: the raw line once parsed, the compose label once copied to `service`. */
export const DROPPED_FIELDS = [LINE_FIELD, 'com.docker.compose.service'] as const;

/** The index a document dated `at` goes to. */
export function dailyIndex(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${INDEX_PREFIX}-${at.getUTCFullYear()}.${pad(at.getUTCMonth() + 1)}.${pad(at.getUTCDate())}`;
}

// ---- observability/elasticsearch/index-template.json, and what Elasticsearch would make of a value ----

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
  return new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
}

/** The JSON objects of an ndjson file, one a line; throws naming the line that is not one. */
export function readNdjson(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error(`line ${i + 1} is not a JSON object`);
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
