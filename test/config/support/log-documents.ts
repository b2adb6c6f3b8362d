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
