import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServiceName, SERVICES, Stack, eventually } from '../integration/support/stack.js';
import { composeConfig } from '../support/compose-config.js';
import { binds, namedVolumes, publishedPorts } from './support/compose.js';
import { datasources } from './support/grafana.js';
import {
  APP_FIELDS,
  COLLECTOR_FIELDS,
  DROPPED_FIELDS,
  ELASTICSEARCH,
  INDEX_PREFIX,
  type IndexTemplate,
  LINE_FIELD,
  TAG_FIELD,
  TEMPLATE_NAME,
  TIME_FIELD,
  dailyIndex,
  fits,
  flatten,
  indexPattern,
  kindOf,
  mappedFields,
  readNdjson,
} from './support/log-documents.js';

/**
 * Fluentd, Elasticsearch and Kibana do not run here, and Fluentd's config language is not parsed:
 * each behaviour of fluent.conf is held by the exact lines that give it, tied to compose (as
 * compose-go loads it) and to the shared document list, and the log lines the four services really
 * write (spawned from dist/ on PostgreSQL and the TCP transport, driven through the gateway) are held
 * to what those lines promise, to the index template and to the saved searches. Needs `npm run build`.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const TEMPLATE_FILE = join(ROOT, 'observability/elasticsearch/index-template.json');
const SAVED_OBJECTS = join(ROOT, 'observability/kibana/saved-objects.ndjson');
const SETUP_SH = join(ROOT, 'observability/kibana/setup.sh');

/** fluent.conf's lines, trimmed, comment lines left out: what Fluentd reads. */
const CONF_LINES = readFileSync(join(ROOT, 'observability/fluentd/fluent.conf'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as IndexTemplate;
const fields = mappedFields(template);
const savedObjects = readNdjson(SAVED_OBJECTS);

const compose = composeConfig();
const fluentd = compose.services.fluentd!;
/** The Docker fluentd driver's options, the same for every container (compose.config-spec.ts). */
const DRIVER = compose.services.order!.logging!.options!;
/** The container port behind the host port the driver dials. */
const FORWARD_PORT = publishedPorts(fluentd).get(Number(DRIVER['fluentd-address']!.split(':')[1]));
/** The driver's tag without the container name: `docker.` for `docker.{{.Name}}`. */
const TAG_PREFIX = DRIVER.tag!.replace('{{.Name}}', '');
/** What a line must start with to be parsed as JSON: fluent.conf's grep pattern, in the syntax Ruby and JavaScript share. */
const JSON_LINE = /^\s*\{/;

/** What the Docker fluentd driver adds to each record (docs.docker.com, fluentd driver) and the compose label it is told to add. */
const DRIVER_FIELDS = ['container_id', 'container_name', 'source', LINE_FIELD, DRIVER.labels!];
const PINO_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
/** Docker splits longer lines into partial messages, which no JSON parser can read. */
const DOCKER_LINE_LIMIT = 16 * 1024;

/** Each behaviour of fluent.conf with the lines that give it. */
const CONTRACT: [behaviour: string, lines: string[]][] = [
  [
    'receives the Docker fluentd driver on the port compose publishes for it',
    ['@type forward', 'bind 0.0.0.0', `port ${FORWARD_PORT}`],
  ],
  [`routes every tag the driver gives (${DRIVER.tag})`, [`<match ${TAG_PREFIX}**>`]],
  [
    'sends the lines that start with "{" through the JSON parser and every other line around it, each branch with its own record',
    ['@type copy', 'copy_mode shallow', '<regexp>', '<exclude>', `key ${LINE_FIELD}`, `pattern ${JSON_LINE}`],
  ],
  [
    `parses the driver's ${LINE_FIELD} field as JSON, keeping the driver's fields, dropping the raw string and reporting what it cannot parse`,
    [
      '@type parser',
      `key_name ${LINE_FIELD}`,
      'reserve_data true',
      'remove_key_name_field true',
      'emit_invalid_record_to_error true',
      '@type json',
    ],
  ],
  [
    `takes the event time from the services' ISO ${TIME_FIELD} string, never as epoch seconds, and keeps it`,
    [`time_key ${TIME_FIELD}`, 'time_type string', 'time_format %Y-%m-%dT%H:%M:%S.%N%z', 'keep_time_key true'],
  ],
  [
    'keeps a line that is not JSON as msg, gives every document its service, and indexes no input-only field',
    [
      `msg \${record.key?("${LINE_FIELD}") ? record["${LINE_FIELD}"] : record["msg"]}`,
      `service \${record["service"] || record["${DRIVER.labels}"] || record["container_name"].to_s.sub(/\\A\\//, "")}`,
      `remove_keys ${DROPPED_FIELDS.join(',')}`,
    ],
  ],
  [
    `writes to ${ELASTICSEARCH.host}:${ELASTICSEARCH.port} in daily UTC indices ${INDEX_PREFIX}-YYYY.MM.DD, with the driver's tag in ${TAG_FIELD}`,
    [
      `host ${ELASTICSEARCH.host}`,
      `port ${ELASTICSEARCH.port}`,
      'logstash_format true',
      `logstash_prefix ${INDEX_PREFIX}`,
      'logstash_dateformat %Y.%m.%d',
      'utc_index true',
      'include_tag_key true',
      `tag_key ${TAG_FIELD}`,
    ],
  ],
  [
    'installs the composable index template from the file compose mounts beside it, at each start',
    [
      `template_name ${TEMPLATE_NAME}`,
      `template_file ${binds(fluentd).find((b) => b.source === TEMPLATE_FILE)?.target}`,
      'template_overwrite true',
      'use_legacy_template false',
    ],
  ],
  [
    'buffers on the volume compose mounts and retries forever, blocking input rather than dropping lines',
    [
      '@type file',
      `path ${namedVolumes(fluentd)[0]?.target}/elasticsearch`,
      'retry_forever true',
      'overflow_action block',
    ],
  ],
  ['prints what it could not parse or index on its own stdout (the @ERROR label)', ['<label @ERROR>', '@type stdout']],
];

/** Each saved search's query, and which log records it finds (KQL is Kibana's to parse: the query is matched as written). */
const SEARCHES: Record<
  string,
  { query: string; finds: (r: Record<string, unknown>, order: Record<string, unknown>) => boolean; services?: number }
> = {
  'Errors by service': {
    query: 'level:(error or fatal)',
    finds: (r) => ['error', 'fatal'].includes(r.level as string),
  },
  'Warnings and errors by service': {
    query: 'level:(warn or error or fatal)',
    finds: (r) => ['warn', 'error', 'fatal'].includes(r.level as string),
  },
  'All logs of one trace': {
    query: 'trace_id:"paste-a-32-hex-trace-id-here"',
    finds: (r, order) => r.trace_id === order.trace_id,
    services: 3,
  },
  "One order's journey": {
    query: 'order_id:"paste-an-order-id-here"',
    finds: (r, order) => r.order_id === order.order_id,
    services: 3,
  },
  'Declined and failed payments': {
    query: 'payment_outcome:declined or order_status:payment_failed',
    finds: (r) => r.payment_outcome === 'declined' || r.order_status === 'payment_failed',
  },
};

describe('Fluentd configuration (observability/fluentd/fluent.conf)', () => {
  it.each(CONTRACT)('%s', (_behaviour, lines) => {
    expect(lines.filter((line) => !CONF_LINES.includes(line))).toEqual([]);
  });

  it('takes each line down exactly one branch: the JSON pattern kept in one, excluded in the other', () => {
    expect(CONF_LINES.filter((line) => line === `pattern ${JSON_LINE}`)).toHaveLength(2);
    expect(CONF_LINES.filter((line) => line === '<regexp>' || line === '<exclude>')).toEqual(['<regexp>', '<exclude>']);
  });

  it('is mounted where the image reads it', () => {
    expect(binds(fluentd).find((b) => b.source === join(ROOT, 'observability/fluentd/fluent.conf'))?.target).toBe(
      '/fluentd/etc/fluent.conf',
    );
  });
});

describe('index template (observability/elasticsearch/index-template.json)', () => {
  it("covers today's index, the one both collectors write, with one shard and no replica", () => {
    expect(template.index_patterns.some((p) => indexPattern(p).test(dailyIndex(new Date())))).toBe(true);
    expect(template.template.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0 });
  });

  it('maps strings it does not know as keyword and never guesses dates', () => {
    const dynamic = template.template.mappings.dynamic_templates ?? [];
    const forStrings = dynamic.map((t) => Object.values(t)[0]!).find((t) => t.match_mapping_type === 'string');
    expect(forStrings?.mapping.type).toBe('keyword');
    expect(template.template.mappings.date_detection).toBe(false);
  });

  it('maps every field of the shared document list (support/log-documents.ts) with its type, whichever collector writes it', () => {
    const wanted = { ...COLLECTOR_FIELDS, ...APP_FIELDS };
    const mapped = Object.fromEntries(Object.keys(wanted).map((f) => [f, fields.get(f)?.type]));
    expect(mapped).toEqual(wanted);
    expect(template.index_patterns).toContain(`${INDEX_PREFIX}-*`);
    expect(DROPPED_FIELDS.filter((f) => fields.has(f))).toEqual([]);
  });

  it("is what Grafana's Elasticsearch datasource reads: the same indices, timed and labelled by mapped fields", () => {
    const elasticsearch = datasources().find((d) => d.type === 'elasticsearch')!;
    const { index, timeField, logMessageField, logLevelField } = elasticsearch.jsonData as Record<string, string>;
    expect(index).toBe(`${INDEX_PREFIX}-*`);
    expect(elasticsearch.url).toBe(`http://${ELASTICSEARCH.host}:${ELASTICSEARCH.port}`);
    expect([timeField, logMessageField, logLevelField].map((f) => fields.get(f!)?.type)).toEqual([
      'date',
      'text',
      'keyword',
    ]);
  });
});

describe('Kibana objects (observability/kibana)', () => {
  const searches = savedObjects.filter((o) => o.type === 'search');
  const titleOf = (o: Record<string, unknown>) => (o.attributes as { title: string }).title;
  const sourceOf = (o: Record<string, unknown>) =>
    JSON.parse(
      (o.attributes as { kibanaSavedObjectMeta: { searchSourceJSON: string } }).kibanaSavedObjectMeta.searchSourceJSON,
    ) as {
      query: { query: string; language: string };
      indexRefName: string;
    };
  let dataView: { id: string; title: string; timeFieldName: string };

  beforeAll(async () => {
    const kibana = await stubKibana();
    try {
      const run = await runSetup(kibana.url);
      if (run.code !== 0) throw new Error(run.output);
      dataView = (
        JSON.parse(kibana.requests.find((r) => r.path === '/api/data_views/data_view')!.body) as {
          data_view: typeof dataView;
        }
      ).data_view;
    } finally {
      await kibana.close();
    }
  }, 60_000);

  it("has setup.sh create a data view over the collectors' daily indices, timed by @timestamp", () => {
    expect(indexPattern(dataView.title).test(dailyIndex(new Date()))).toBe(true);
    expect(dataView.timeFieldName).toBe('@timestamp');
    expect(fields.get('@timestamp')?.type).toBe('date');
  });

  it('holds only saved searches, each on that data view, showing mapped fields, written in KQL', () => {
    expect(searches).toHaveLength(savedObjects.length);
    expect(searches.map(titleOf).sort()).toEqual(Object.keys(SEARCHES).sort());
    for (const search of searches) {
      expect(search.references, titleOf(search)).toContainEqual({
        id: dataView.id,
        name: sourceOf(search).indexRefName,
        type: 'index-pattern',
      });
      expect(sourceOf(search).query).toEqual({ query: SEARCHES[titleOf(search)]!.query, language: 'kuery' });
      const columns = (search.attributes as { columns: string[] }).columns;
      expect(
        columns.filter((c) => !fields.has(c)),
        titleOf(search),
      ).toEqual([]);
    }
  });

  it('gives the searches only attributes Kibana 8 accepts', () => {
    // src/plugins/saved_search/server/saved_objects/schema.ts (8.x): unknown attributes are rejected on import.
    const allowed = new Set([
      'title',
      'description',
      'columns',
      'sort',
      'grid',
      'rowHeight',
      'rowsPerPage',
      'hideChart',
      'breakdownField',
      'kibanaSavedObjectMeta',
      'isTextBasedQuery',
      'usesAdHocDataView',
      'timeRestore',
      'timeRange',
      'refreshInterval',
      'viewMode',
      'hideAggregatedPreview',
      'sampleSize',
      'headerRowHeight',
      'density',
    ]);
    const extra = searches.flatMap((s) =>
      Object.keys(s.attributes as object)
        .filter((k) => !allowed.has(k))
        .map((k) => `${String(s.id)}.${k}`),
    );
    expect(extra).toEqual([]);
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
    const kibana = await stubKibana({
      importResult: { success: false, successCount: 0, errors: [{ id: 'x', error: { type: 'missing_references' } }] },
    });
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
    if (!existsSync(join(ROOT, 'dist/apps/gateway/src/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first');
    started = Date.now();
    stack = new Stack({
      basePort: 3740,
      env: {
        NODE_ENV: 'production',
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        ALERT_WEBHOOK_TOKEN: 'fluentd-contract-test-token',
      },
    });
    await stack.up();
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
    await stack?.down();
  });

  const records = () => lines.map((l) => ({ ...l, record: l.record ?? {} }));
  const paidOrder = () => records().find(({ record }) => record.msg === 'order paid')?.record ?? {};

  it('captured lines from all four services, including warn and error lines', () => {
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set(SERVICES));
    const levels = new Set(records().map((l) => l.record.level));
    expect(levels).toContain('warn');
    expect(levels).toContain('error');
  });

  it(`are each one JSON object starting with "{" (${JSON_LINE}), so Fluentd parses every one`, () => {
    expect(
      lines.filter((l) => l.record === undefined || !JSON_LINE.test(l.text)).map((l) => `${l.service}: ${l.text}`),
    ).toEqual([]);
  });

  it("are each shorter than Docker's 16 KiB split, which would cut the JSON in two", () => {
    expect(
      lines.filter((l) => Buffer.byteLength(l.text) >= DOCKER_LINE_LIMIT).map((l) => l.text.slice(0, 200)),
    ).toEqual([]);
  });

  it(`carry ${TIME_FIELD} as ISO 8601 with milliseconds and Z (the time_format Fluentd reads), dated within the test run`, () => {
    const bad = records().filter(({ record }) => {
      const time = record[TIME_FIELD];
      if (typeof time !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(time)) return true;
      const at = Date.parse(time);
      return !(new Date(at).toISOString() === time && at >= started - 1000 && at <= finished + 1000);
    });
    expect(bad.map((l) => `${l.service}: ${String(l.record[TIME_FIELD])}`)).toEqual([]);
  });

  it('carry a pino level label the saved searches can query, and the compose service name', () => {
    expect(
      records()
        .filter(({ record }) => !PINO_LEVELS.includes(record.level as string))
        .map((l) => l.text),
    ).toEqual([]);
    expect(
      records()
        .filter(({ service, record }) => record.service !== service)
        .map((l) => l.text),
    ).toEqual([]);
  });

  it.each(Object.keys(SEARCHES))('are found by the saved search "%s"', (title) => {
    const search = SEARCHES[title]!;
    const found = records().filter(({ record }) => search.finds(record, paidOrder()));
    expect(found.length, `no line the search ${search.query} finds`).toBeGreaterThan(0);
    if (search.services) expect(new Set(found.map((l) => l.service)).size).toBeGreaterThanOrEqual(search.services);
    for (const field of Object.keys(found[0]!.record).filter((f) => search.query.startsWith(`${f}:`))) {
      expect(fields.get(field)?.type, `${field} is searched as a keyword`).toBe('keyword');
    }
  });

  it('fit the index template: keyword fields are strings, numbers are numbers, objects are objects', () => {
    const misfits = records().flatMap(({ record }) =>
      flatten(record)
        .filter(([path]) => !underClosedObject(path))
        .filter(([path, value]) => fields.has(path) && !fits(fields.get(path)!.type, value))
        .map(
          ([path, value]) =>
            `${path}=${JSON.stringify(value)} (mapped ${fields.get(path)!.type}) in ${String(record.msg)}`,
        ),
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
    const reserved = new Set([...DRIVER_FIELDS, '@timestamp', TAG_FIELD]);
    const clashes = records().flatMap(({ record }) =>
      Object.keys(record).filter((k) => k.includes('.') || reserved.has(k)),
    );
    expect([...new Set(clashes)]).toEqual([]);
  });

  it('carry a 32-hex trace_id and 16-hex span_id wherever they appear, and on every request line', () => {
    const withIds = records().filter(({ record }) => 'trace_id' in record || 'span_id' in record || 'req' in record);
    expect(withIds.length).toBeGreaterThan(0);
    const bad = withIds.filter(
      ({ record }) => !/^[0-9a-f]{32}$/.test(String(record.trace_id)) || !/^[0-9a-f]{16}$/.test(String(record.span_id)),
    );
    expect(bad.map((l) => l.text)).toEqual([]);
  });

  it('tie one order to one trace across the services that handled it', () => {
    const paid = paidOrder();
    expect(paid.order_id).toBeTypeOf('string');
    const ofOrder = records().filter(({ record }) => record.order_id === paid.order_id);
    expect(new Set(ofOrder.map((l) => l.service))).toEqual(new Set(['order', 'payment', 'notification']));
    expect(new Set(ofOrder.map((l) => l.record.trace_id))).toEqual(new Set([paid.trace_id]));
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

const ORDER = {
  customerId: 'c-42',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }],
  payment: { cardNumber: '4242424242424242' },
};

/** A paid order, a declined card, bad requests, an alert, and an order while payment is down (5xx, error lines). */
async function driveTraffic(stack: Stack): Promise<void> {
  const gateway = stack.urls.gateway;
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const paid = (await (await post(`${gateway}/api/orders`, ORDER)).json()) as { id: string; status: string };
  if (paid.status !== 'paid') throw new Error(`the good card was not paid: ${JSON.stringify(paid)}`);
  await post(`${gateway}/api/orders`, { ...ORDER, payment: { cardNumber: '4000000000000002' } });
  await post(`${gateway}/api/orders`, { customerId: '', items: [] });
  await fetch(`${gateway}/api/orders/not-a-uuid`);
  await fetch(`${gateway}/api/orders/00000000-0000-4000-8000-000000000000`);
  await post(`${stack.urls.notification}/alerts`, alertmanagerWebhook(), {
    authorization: 'Bearer fluentd-contract-test-token',
  });
  await eventually(
    async () => {
      const res = await fetch(`${gateway}/api/notifications?orderId=${paid.id}`);
      return ((await res.json()) as { data: unknown[] }).data.length > 0;
    },
    15_000,
    'the notification of the paid order',
  );
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
async function stubKibana(
  options: { unavailableStatusCalls?: number; failingImports?: number; importResult?: unknown } = {},
) {
  const requests: RecordedRequest[] = [];
  let statusCalls = 0;
  let importCalls = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const json = (code: number, body: unknown) =>
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/api/status') {
        statusCalls++;
        const available = statusCalls > (options.unavailableStatusCalls ?? 0);
        return json(available ? 200 : 503, { status: { overall: { level: available ? 'available' : 'unavailable' } } });
      }
      if (path === '/api/data_views/data_view' && req.method === 'POST')
        return json(200, { data_view: { id: 'fluentd-logs' } });
      if (path.startsWith('/api/saved_objects/_import') && req.method === 'POST') {
        if (++importCalls <= (options.failingImports ?? 0))
          return json(500, { statusCode: 500, error: 'Internal Server Error' });
        return json(200, options.importResult ?? { success: true, successCount: savedObjects.length, errors: [] });
      }
      return json(404, { statusCode: 404, error: 'Not Found' });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function runSetup(kibanaUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((done) =>
    execFile(
      'sh',
      [SETUP_SH],
      {
        env: { PATH: process.env.PATH ?? '', KIBANA_URL: kibanaUrl, RETRY_SECONDS: '1', WAIT_SECONDS: '20' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}
