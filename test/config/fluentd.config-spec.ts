import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceName, SERVICES, Stack, eventually } from '../integration/support/stack.js';
import {
  type Directive,
  type IndexTemplate,
  findAll,
  findOne,
  fits,
  flatten,
  indexPattern,
  kindOf,
  label,
  mappedFields,
  parseFluentConf,
  readNdjson,
  rubyRegExp,
  strptimeRegExp,
  tagPattern,
} from './support/fluentd.js';
import {
  APP_FIELDS,
  COLLECTOR_FIELDS,
  DROPPED_FIELDS,
  ELASTICSEARCH,
  INDEX_PREFIX,
  LINE_FIELD,
  TAG_FIELD,
  TEMPLATE_NAME,
  TIME_FIELD,
  dailyIndex,
} from './support/log-documents.js';

/**
 * Fluentd, Elasticsearch and Kibana do not run here: these checks hold the
 * config files to each other and to the log lines the four services really
 * write (spawned from dist/ on PostgreSQL and the TCP transport, driven through the
 * gateway). Needs `npm run build` first.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const FLUENT_CONF = join(ROOT, 'observability/fluentd/fluent.conf');
const TEMPLATE_FILE = join(ROOT, 'observability/elasticsearch/index-template.json');
const SAVED_OBJECTS = join(ROOT, 'observability/kibana/saved-objects.ndjson');
const SETUP_SH = join(ROOT, 'observability/kibana/setup.sh');

const conf = parseFluentConf(readFileSync(FLUENT_CONF, 'utf8'));
const template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as IndexTemplate;
const fields = mappedFields(template);
const savedObjects = readNdjson(SAVED_OBJECTS);
const setupScript = readFileSync(SETUP_SH, 'utf8');

const isType = (type: string) => (d: Directive) => d.params['@type'] === type;
const output = findOne(conf, 'elasticsearch output', (d) => d.name === 'match' && isType('elasticsearch')(d));
const jsonParser = findOne(conf, 'parser filter', (d) => d.name === 'filter' && isType('parser')(d));
const parse = findOne(jsonParser, '<parse> section', (d) => d.name === 'parse');
const TIME_KEY = parse.params.time_key ?? 'time';
const TIME_FORMAT = parse.params.time_format ?? '';

/** What the Docker fluentd driver adds to each record (docs.docker.com, fluentd driver) and the compose label it is told to add. */
const DRIVER_FIELDS = ['container_id', 'container_name', 'source', 'log', 'com.docker.compose.service'];
/** A container name as compose makes it, under the tag scheme in fluent.conf's header. */
const SAMPLE_TAG = 'docker.nestjs-observability-workshop-payment-1';
const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Docker splits longer lines into partial messages, which no JSON parser can read. */
const DOCKER_LINE_LIMIT = 16 * 1024;

/** The data view setup.sh posts (its DATA_VIEW='…' line). */
function setupDataView(): { id: string; title: string; timeFieldName: string } {
  const body = /^DATA_VIEW='(.*)'$/m.exec(setupScript)?.[1];
  if (!body) throw new Error("setup.sh has no DATA_VIEW='…' line");
  return (JSON.parse(body) as { data_view: { id: string; title: string; timeFieldName: string } }).data_view;
}

function todaysIndex(): string {
  const format = output.params.logstash_dateformat ?? '%Y.%m.%d';
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = format.replace('%Y', String(d.getUTCFullYear())).replace('%m', pad(d.getUTCMonth() + 1)).replace('%d', pad(d.getUTCDate()));
  return `${output.params.logstash_prefix}${output.params.logstash_prefix_separator ?? '-'}${date}`;
}

/** The top-level `<match>` sections (those inside a `<label>` see only what is relabelled there) that take `tag`. */
function routesOf(tag: string): Directive[] {
  return conf.children.filter((d) => d.name === 'match' && tagPattern(d.arg).test(tag));
}

/** The routes a line can take: the filters of the label each `<store>` relabels to, and whether they keep it. */
function branchesTaking(line: string): string[] {
  const [router] = routesOf(SAMPLE_TAG);
  if (!router) throw new Error(`no top-level <match> takes ${SAMPLE_TAG}`);
  return findAll(router, (d) => d.name === 'store' && isType('relabel')(d))
    .map((store) => store.params['@label']!)
    .filter((name) =>
      findAll(label(conf, name), (d) => d.name === 'filter' && isType('grep')(d)).every((grep) =>
        grep.children.every((rule) => {
          const matches = rubyRegExp(rule.params.pattern!).test(line);
          return rule.name === 'regexp' ? matches : !matches;
        }),
      ),
    );
}

describe('Fluentd configuration (observability/fluentd/fluent.conf)', () => {
  it('receives the Docker fluentd driver on 0.0.0.0:24224 and routes the docker.<container name> tags', () => {
    const forward = findOne(conf, 'forward input', (d) => d.name === 'source' && isType('forward')(d));
    expect(forward.params).toMatchObject({ bind: '0.0.0.0', port: '24224' });
    expect(routesOf(SAMPLE_TAG)).toHaveLength(1);
    expect(routesOf('fluent.info')).toEqual([]);
  });

  it('sends app JSON lines through the parser and every other line around it, each exactly once', () => {
    const appLine = '{"level":"info","time":"2026-11-25T17:39:43.186Z","service":"order","msg":"order paid"}';
    const postgresLine = '2026-11-25 17:39:43.186 UTC [1] LOG:  database system is ready to accept connections';
    const parserLabel = findAll(conf, (d) => d.name === 'label' && findAll(d, (c) => c === jsonParser).length > 0)[0]!.arg;
    expect(branchesTaking(appLine)).toEqual([parserLabel]);
    expect(branchesTaking(postgresLine)).toHaveLength(1);
    expect(branchesTaking(postgresLine)).not.toContain(parserLabel);
  });

  it('parses the log field as JSON, keeping the driver fields and dropping the raw string', () => {
    expect(jsonParser.params).toMatchObject({ key_name: LINE_FIELD, reserve_data: 'true', remove_key_name_field: 'true' });
    expect(parse.params['@type']).toBe('json');
    expect(parse.params.keep_time_key).toBe('true');
    expect(TIME_KEY).toBe(TIME_FIELD);
  });

  it('writes the fields of the shared document list (support/log-documents.ts) and drops the input-only ones', () => {
    const transformer = findOne(label(conf, '@INDEX'), 'record_transformer', (d) => d.name === 'filter' && isType('record_transformer')(d));
    const record = findOne(transformer, '<record>', (d) => d.name === 'record');
    expect(Object.keys(record.params).sort()).toEqual(['msg', 'service']);
    expect(record.params.msg, 'a line that is not JSON keeps its raw text in msg').toContain(`record["${LINE_FIELD}"]`);
    expect(transformer.params.remove_keys?.split(',').sort()).toEqual([...DROPPED_FIELDS].sort());
    expect(output.params).toMatchObject({ include_tag_key: 'true', tag_key: TAG_FIELD });
    expect(Object.keys(COLLECTOR_FIELDS)).toEqual(expect.arrayContaining(['@timestamp', 'msg', 'service', TAG_FIELD]));
  });

  it('reads the event time from an ISO 8601 string, never as epoch seconds', () => {
    expect(parse.params.time_type).toBe('string');
    expect(strptimeRegExp(TIME_FORMAT).test('2026-11-25T17:39:43.186Z')).toBe(true);
    expect(strptimeRegExp(TIME_FORMAT).test('1764092383186')).toBe(false);
  });

  it('writes to elasticsearch:9200 in daily indices named after logstash_prefix', () => {
    expect(output.params).toMatchObject({ host: ELASTICSEARCH.host, port: String(ELASTICSEARCH.port), logstash_format: 'true', logstash_prefix: INDEX_PREFIX });
    expect(output.params.utc_index).toBe('true');
    expect(todaysIndex()).toBe(dailyIndex(new Date()));
  });

  it('installs the composable index template from the file compose mounts beside it', () => {
    expect(output.params).toMatchObject({ template_name: TEMPLATE_NAME, template_overwrite: 'true', use_legacy_template: 'false' });
    expect(output.params.template_file).toBe(`/fluentd/etc/${basename(TEMPLATE_FILE)}`);
  });

  it('buffers on disk under /fluentd/buffer and retries forever, blocking rather than dropping', () => {
    const buffer = findOne(output, '<buffer>', (d) => d.name === 'buffer');
    expect(buffer.params['@type']).toBe('file');
    expect(buffer.params.path).toMatch(/^\/fluentd\/buffer\//);
    expect(buffer.params).toMatchObject({ retry_forever: 'true', overflow_action: 'block' });
  });

  it('reports what it cannot parse or index in an @ERROR label instead of dropping it', () => {
    expect(jsonParser.params.emit_invalid_record_to_error).not.toBe('false');
    expect(findAll(label(conf, '@ERROR'), (d) => d.name === 'match')).toHaveLength(1);
  });
});

describe('index template (observability/elasticsearch/index-template.json)', () => {
  it('covers the indices Fluentd writes, with one shard and no replica', () => {
    expect(template.index_patterns.some((p) => indexPattern(p).test(todaysIndex()))).toBe(true);
    expect(template.template.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0 });
  });

  it('maps the correlation and domain ids as keyword, @timestamp as a date, msg as text', () => {
    const ids = ['trace_id', 'span_id', 'service', 'level', 'order_id', 'payment_id', 'event_id', 'route', 'method', 'req.id'];
    expect(Object.fromEntries(ids.map((f) => [f, fields.get(f)?.type]))).toEqual(Object.fromEntries(ids.map((f) => [f, 'keyword'])));
    expect(fields.get('@timestamp')?.type).toBe('date');
    expect(fields.get(TIME_KEY)?.type).toBe('date');
    expect(fields.get('msg')?.type).toBe('text');
    expect(['integer', 'long', 'short']).toContain(fields.get('status_code')?.type);
    expect(['float', 'double', 'long']).toContain(fields.get('duration_ms')?.type);
  });

  it('maps strings it does not know as keyword and never guesses dates', () => {
    const dynamic = template.template.mappings.dynamic_templates ?? [];
    const forStrings = dynamic.map((t) => Object.values(t)[0]!).find((t) => t.match_mapping_type === 'string');
    expect(forStrings?.mapping.type).toBe('keyword');
    expect(template.template.mappings.date_detection).toBe(false);
  });

  it('maps the fields the Docker driver and Fluentd add', () => {
    const added = [...DRIVER_FIELDS.filter((f) => f !== 'log' && !f.includes('.')), output.params.tag_key ?? 'tag'];
    expect(added.filter((f) => fields.get(f)?.type !== 'keyword')).toEqual([]);
  });

  it('maps every field of the shared document list (support/log-documents.ts) with its type, whichever collector writes it', () => {
    const wanted = { ...COLLECTOR_FIELDS, ...APP_FIELDS };
    const mapped = Object.fromEntries(Object.keys(wanted).map((f) => [f, fields.get(f)?.type]));
    expect(mapped).toEqual(wanted);
    expect(template.index_patterns).toContain(`${INDEX_PREFIX}-*`);
    expect(DROPPED_FIELDS.filter((f) => fields.has(f))).toEqual([]);
  });
});

describe('Kibana objects (observability/kibana)', () => {
  const dataView = setupDataView();
  const searches = savedObjects.filter((o) => o.type === 'search');
  const sourceOf = (o: Record<string, unknown>) =>
    JSON.parse((o.attributes as { kibanaSavedObjectMeta: { searchSourceJSON: string } }).kibanaSavedObjectMeta.searchSourceJSON) as {
      query: { query: string; language: string };
      indexRefName: string;
    };

  it("creates a data view over Fluentd's indices, timed by @timestamp", () => {
    expect(dataView.id).toBe('fluentd-logs');
    expect(indexPattern(dataView.title).test(todaysIndex())).toBe(true);
    expect(dataView.timeFieldName).toBe('@timestamp');
  });

  it('holds only saved searches, each on the data view setup.sh creates', () => {
    expect(searches.length).toBeGreaterThanOrEqual(3);
    expect(searches).toHaveLength(savedObjects.length);
    for (const search of searches) {
      const ref = sourceOf(search).indexRefName;
      expect(search.references, String(search.id)).toContainEqual({ id: dataView.id, name: ref, type: 'index-pattern' });
    }
  });

  it('gives the searches only attributes Kibana 8 accepts', () => {
    // src/plugins/saved_search/server/saved_objects/schema.ts (8.x): unknown attributes are rejected on import.
    const allowed = new Set(['title', 'description', 'columns', 'sort', 'grid', 'rowHeight', 'rowsPerPage', 'hideChart', 'breakdownField',
      'kibanaSavedObjectMeta', 'isTextBasedQuery', 'usesAdHocDataView', 'timeRestore', 'timeRange', 'refreshInterval', 'viewMode',
      'hideAggregatedPreview', 'sampleSize', 'headerRowHeight', 'density']);
    const extra = searches.flatMap((s) => Object.keys(s.attributes as object).filter((k) => !allowed.has(k)).map((k) => `${String(s.id)}.${k}`));
    expect(extra).toEqual([]);
  });

  it('finds error lines, one trace and one order, querying only mapped fields and real levels', () => {
    const queries = searches.map((s) => ({ title: (s.attributes as { title: string }).title, ...sourceOf(s).query }));
    expect(queries.map((q) => q.title)).toEqual(expect.arrayContaining(['Errors by service', 'All logs of one trace', "One order's journey"]));
    for (const q of queries) {
      expect(q.language, q.title).toBe('kuery');
      const named = [...q.query.matchAll(/([\w.@]+)\s*(?::|>=|<=|>|<)/g)].map((m) => m[1]!);
      expect(named.filter((f) => !fields.has(f)), q.title).toEqual([]);
      const levels = /level:\s*\(([^)]*)\)/.exec(q.query)?.[1]?.split(/\s+or\s+/i) ?? [];
      expect(levels.filter((l) => !PINO_LEVELS.includes(l)), q.title).toEqual([]);
    }
    expect(queries.find((q) => q.title === 'Errors by service')?.query).toMatch(/level:\s*\((?=.*\berror\b)(?=.*\bfatal\b)[^)]*\)/);
  });

  it('has setup.sh wait for Kibana, then create the data view and import the searches with kbn-xsrf, retrying a failed call', async () => {
    const kibana = await stubKibana({ unavailableStatusCalls: 2, failingImports: 1 });
    try {
      const run = await runSetup(kibana.url);
      expect(run.code, run.output).toBe(0);
      const [status, create, imports] = [
        kibana.requests.filter((r) => r.path === '/api/status'),
        kibana.requests.find((r) => r.path === '/api/data_views/data_view'),
        kibana.requests.filter((r) => r.path.startsWith('/api/saved_objects/_import')),
      ];
      const imported = imports.at(-1);
      expect(status.length).toBeGreaterThanOrEqual(3);
      expect(imports).toHaveLength(2);
      expect(create?.headers['kbn-xsrf']).toBe('true');
      expect(JSON.parse(create!.body)).toMatchObject({ override: true, data_view: dataView });
      expect(imported?.path).toContain('overwrite=true');
      expect(imported?.headers['kbn-xsrf']).toBe('true');
      expect(imported?.body).toContain('filename="saved-objects.ndjson"');
      expect(imported?.body).toContain(readFileSync(SAVED_OBJECTS, 'utf8').trim());
    } finally {
      await kibana.close();
    }
  });

  it('has setup.sh fail when Kibana reports import errors', async () => {
    const kibana = await stubKibana({ importResult: { success: false, successCount: 0, errors: [{ id: 'x', error: { type: 'missing_references' } }] } });
    try {
      const run = await runSetup(kibana.url);
      expect(run.code, run.output).not.toBe(0);
      expect(run.output).toContain('import reported errors');
    } finally {
      await kibana.close();
    }
  });
});

describe('the log lines the services write, as Fluentd and Elasticsearch will read them', () => {
  let stack: Stack | undefined;
  let lines: { service: ServiceName; text: string; record: Record<string, unknown> | undefined }[] = [];
  let started = 0;
  let finished = 0;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/apps/gateway/src/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    started = Date.now();
    stack = new Stack({
      basePort: 3740,
      env: { NODE_ENV: 'production', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ALERT_WEBHOOK_TOKEN: 'fluentd-contract-test-token' },
    });
    await stack.createDatabases();
    await stack.startAll();
    await driveTraffic(stack);
    await stack.stopAll();
    finished = Date.now();
    lines = SERVICES.flatMap((service) =>
      stack!
        .logOf(service)
        .split('\n')
        .filter((text) => text !== '')
        .map((text) => ({ service, text, record: parseObject(text) })),
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await stack?.dropDatabases();
  });

  const records = () => lines.map((l) => ({ ...l, record: l.record ?? {} }));

  it('captured lines from all four services, including warn and error lines', () => {
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(SERVICES));
    const levels = new Set(records().map((l) => l.record.level));
    expect(levels).toContain('warn');
    expect(levels).toContain('error');
  });

  it('are each one JSON object that starts with "{", so they take the parser route', () => {
    expect(lines.filter((l) => l.record === undefined).map((l) => `${l.service}: ${l.text}`)).toEqual([]);
    const parserRoute = branchesTaking('{}');
    expect(lines.filter((l) => JSON.stringify(branchesTaking(l.text)) !== JSON.stringify(parserRoute)).map((l) => l.text)).toEqual([]);
  });

  it("are each shorter than Docker's 16 KiB split, which would cut the JSON in two", () => {
    expect(lines.filter((l) => Buffer.byteLength(l.text) >= DOCKER_LINE_LIMIT).map((l) => l.text.slice(0, 200))).toEqual([]);
  });

  it(`carry the parser's time key in its time_format, dated within the test run`, () => {
    const format = strptimeRegExp(TIME_FORMAT);
    const bad = records().filter(({ record }) => {
      const time = record[TIME_KEY];
      if (typeof time !== 'string' || !format.test(time)) return true;
      const at = Date.parse(time);
      return !(at >= started - 1000 && at <= finished + 1000);
    });
    expect(bad.map((l) => `${l.service}: ${String(l.record[TIME_KEY])}`)).toEqual([]);
  });

  it('carry a level label the saved searches can query, and the compose service name', () => {
    expect(records().filter(({ record }) => !PINO_LEVELS.includes(record.level as string)).map((l) => l.text)).toEqual([]);
    expect(records().filter(({ service, record }) => record.service !== service).map((l) => l.text)).toEqual([]);
  });

  it('fit the index template: keyword fields are strings, numbers are numbers, objects are objects', () => {
    const misfits = records().flatMap(({ record }) =>
      flatten(record)
        .filter(([path]) => !underClosedObject(path))
        .filter(([path, value]) => fields.has(path) && !fits(fields.get(path)!.type, value))
        .map(([path, value]) => `${path}=${JSON.stringify(value)} (mapped ${fields.get(path)!.type}) in ${String(record.msg)}`),
    );
    expect(misfits).toEqual([]);
  });

  it('give each unmapped field one JSON type across all lines, so no daily index rejects a later line', () => {
    const kinds = new Map<string, Set<string>>();
    for (const { record } of records()) {
      for (const [path, value] of flatten(record)) {
        if (fields.has(path) || underClosedObject(path) || value === null) continue;
        kinds.set(path, (kinds.get(path) ?? new Set()).add(kindOf(value)));
      }
    }
    expect([...kinds].filter(([, k]) => k.size > 1).map(([path, k]) => `${path}: ${[...k].join(', ')}`)).toEqual([]);
  });

  it('use no dotted field names and none of the fields the Docker driver and Fluentd add', () => {
    const reserved = new Set([...DRIVER_FIELDS, '@timestamp', output.params.tag_key ?? 'tag']);
    const clashes = records().flatMap(({ record }) => Object.keys(record).filter((k) => k.includes('.') || reserved.has(k)));
    expect([...new Set(clashes)]).toEqual([]);
  });

  it('carry a 32-hex trace_id and 16-hex span_id wherever they appear, and on every request line', () => {
    const withIds = records().filter(({ record }) => 'trace_id' in record || 'span_id' in record || 'req' in record);
    expect(withIds.length).toBeGreaterThan(0);
    const bad = withIds.filter(({ record }) => !/^[0-9a-f]{32}$/.test(String(record.trace_id)) || !/^[0-9a-f]{16}$/.test(String(record.span_id)));
    expect(bad.map((l) => l.text)).toEqual([]);
  });

  it('tie one order to one trace across the services that handled it', () => {
    const paid = records().find(({ record }) => record.msg === 'order paid')?.record;
    expect(paid?.order_id).toBeTypeOf('string');
    const ofOrder = records().filter(({ record }) => record.order_id === paid!.order_id);
    expect(new Set(ofOrder.map((l) => l.service))).toEqual(new Set(['order', 'payment', 'notification']));
    expect(new Set(ofOrder.map((l) => l.record.trace_id))).toEqual(new Set([paid!.trace_id]));
  });
});

function underClosedObject(path: string): boolean {
  const parts = path.split('.');
  return parts.slice(0, -1).some((_, i) => {
    const parent = fields.get(parts.slice(0, i + 1).join('.'));
    return parent?.closed === true && !fields.has(path);
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return kindOf(value) === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const ORDER = { customerId: 'c-42', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }], payment: { cardNumber: '4242424242424242' } };

/** A paid order, a declined card, bad requests, an alert, and an order while payment is down (5xx, error lines). */
async function driveTraffic(stack: Stack): Promise<void> {
  const gateway = stack.urls.gateway;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const paid = (await (await post(`${gateway}/api/orders`, ORDER)).json()) as { id: string; status: string };
  if (paid.status !== 'paid') throw new Error(`the good card was not paid: ${JSON.stringify(paid)}`);
  await post(`${gateway}/api/orders`, { ...ORDER, payment: { cardNumber: '4000000000000002' } });
  await post(`${gateway}/api/orders`, { customerId: '', items: [] });
  await fetch(`${gateway}/api/orders/not-a-uuid`);
  await fetch(`${gateway}/api/orders/00000000-0000-4000-8000-000000000000`);
  await post(`${stack.urls.notification}/alerts`, alertmanagerWebhook(), { authorization: 'Bearer fluentd-contract-test-token' });
  await eventually(async () => {
    const res = await fetch(`${gateway}/api/notifications?orderId=${paid.id}`);
    return ((await res.json()) as { data: unknown[] }).data.length > 0;
  }, 15_000, 'the notification of the paid order');
  await stack.stop('payment');
  await post(`${gateway}/api/orders`, ORDER);
}

function alertmanagerWebhook() {
  const alert = {
    status: 'firing',
    labels: { alertname: 'ServiceDown', severity: 'critical', service: 'payment' },
    annotations: { summary: 'payment is down' },
    startsAt: new Date().toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: 'c0ffee0123456789',
  };
  return {
    version: '4',
    groupKey: '{}:{alertname="ServiceDown"}',
    status: 'firing',
    receiver: 'notification',
    groupLabels: { alertname: 'ServiceDown' },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager:9093',
    alerts: [alert],
  };
}

interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A Kibana that answers only what setup.sh calls: 503 on /api/status (and 500 on imports) for the first calls, then 2xx. */
async function stubKibana(options: { unavailableStatusCalls?: number; failingImports?: number; importResult?: unknown } = {}) {
  const requests: RecordedRequest[] = [];
  let statusCalls = 0;
  let importCalls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const json = (code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/api/status') {
        statusCalls++;
        const available = statusCalls > (options.unavailableStatusCalls ?? 0);
        return json(available ? 200 : 503, { status: { overall: { level: available ? 'available' : 'unavailable' } } });
      }
      if (path === '/api/data_views/data_view' && req.method === 'POST') return json(200, { data_view: { id: 'fluentd-logs' } });
      if (path.startsWith('/api/saved_objects/_import') && req.method === 'POST') {
        if (++importCalls <= (options.failingImports ?? 0)) return json(500, { statusCode: 500, error: 'Internal Server Error' });
        return json(200, options.importResult ?? { success: true, successCount: savedObjects.length, errors: [] });
      }
      return json(404, { statusCode: 404, error: 'Not Found' });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}

function runSetup(kibanaUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((done) =>
    execFile(
      'sh',
      [SETUP_SH],
      { env: { PATH: process.env.PATH ?? '', KIBANA_URL: kibanaUrl, RETRY_SECONDS: '1', WAIT_SECONDS: '20' }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}
