import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindMounts, commandArgs, healthcheckArgv, loadCompose, mebibytes, namedVolumeMounts, parseYamlStrict, readDotEnv } from './support/compose.js';
import {
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
 * Logstash does not run here (no Docker, no JVM in CI): these checks hold its pipeline
 * to the documents Fluentd writes (the shared list in support/log-documents.ts) and to
 * the compose overlay that runs it. Logstash's config language is not parsed: the
 * checks look for the settings the contract needs in the pipeline's text, comments
 * left out. What they cannot tell is whether Logstash accepts the file; the first
 * `docker compose -f docker-compose.yml -f docker-compose.logstash.yml up` does.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PIPELINE_DIR = join(ROOT, 'observability/logstash/pipeline');
const SETTINGS_FILE = join(ROOT, 'observability/logstash/config/logstash.yml');

const pipelineFiles = readdirSync(PIPELINE_DIR).filter((f) => f.endsWith('.conf'));
/** The pipeline without its comment lines: what Logstash reads. */
const pipeline = pipelineFiles
  .map((f) => readFileSync(join(PIPELINE_DIR, f), 'utf8'))
  .join('\n')
  .split('\n')
  .filter((line) => !line.trimStart().startsWith('#'))
  .join('\n');
const settings = parseYamlStrict<Record<string, unknown>>(readFileSync(SETTINGS_FILE, 'utf8'), 'logstash.yml');

const ENV = readDotEnv(join(ROOT, '.env'));
const STACK = loadCompose([join(ROOT, 'docker-compose.yml'), join(ROOT, 'docker-compose.logstash.yml')], ENV).model;
const logstash = STACK.services.logstash!;

/** `name => "value"` or `name => value` settings, every occurrence. */
const settingValues = (name: string) =>
  [...pipeline.matchAll(new RegExp(`\\b${name}\\s*=>\\s*("[^"]*"|\\[.*\\]|\\S+)`, 'g'))].map((m) => m[1]!.replace(/^"|"$/g, ''));
const quoted = (field: string) => pipeline.includes(`"${field}"`) || pipeline.includes(`"[${field}]"`) || pipeline.includes(`[${field}]`);

/** Logstash's sprintf date (Joda-style `%{+YYYY.MM.dd}`, in UTC) for the few letters the index uses. */
function jodaDate(pattern: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return pattern.replace('YYYY', String(at.getUTCFullYear())).replace('MM', pad(at.getUTCMonth() + 1)).replace('dd', pad(at.getUTCDate()));
}

describe('Logstash pipeline (observability/logstash/pipeline)', () => {
  it('is one pipeline file, in the folder compose mounts as the image’s pipeline', () => {
    expect(pipelineFiles).toEqual(['logstash.conf']);
    const mounts = new Map(bindMounts(logstash).map(([s, t]) => [s.replace(/^\.\//, ''), t]));
    expect(mounts.get('observability/logstash/pipeline')).toBe('/usr/share/logstash/pipeline');
    expect(mounts.get('observability/logstash/config/logstash.yml')).toBe('/usr/share/logstash/config/logstash.yml');
  });

  it('reads the Docker fluentd driver on the port compose publishes for it, with the fluent codec and its EventTime', () => {
    expect(pipeline).toMatch(/\binput\s*\{\s*tcp\s*\{/);
    const [port] = settingValues('port');
    const published = (logstash.ports ?? []).map(String).find((p) => p.endsWith(`:${port}`));
    expect(published, `compose publishes the tcp input's port ${port}`).toBeDefined();
    expect(pipeline).toMatch(/codec\s*=>\s*fluent\s*\{\s*nanosecond_precision\s*=>\s*true\s*\}/);
    const subSecond = STACK.services.order!.logging?.options?.['fluentd-sub-second-precision'];
    expect(subSecond, 'the driver sends EventTime, which the codec reads only with nanosecond_precision').toBe('true');
  });

  it('parses the JSON lines from the driver’s log field and takes @timestamp from their ISO time', () => {
    expect(settingValues('source')).toEqual([LINE_FIELD]);
    expect(pipeline).toMatch(new RegExp(`match\\s*=>\\s*\\[\\s*"${TIME_FIELD}"\\s*,\\s*"ISO8601"\\s*\\]`));
    expect(pipeline, 'only lines that start with "{" go to the JSON parser').toMatch(new RegExp(`if \\[${LINE_FIELD}\\] =~ /\\^\\\\s\\*\\\\\\{/`));
  });

  it('writes the collector’s fields of the shared document list and drops the input-only ones', () => {
    const written = Object.keys(COLLECTOR_FIELDS).filter((f) => !['@timestamp', 'container_id', 'container_name', 'source'].includes(f));
    expect(written.filter((f) => !quoted(f))).toEqual([]);
    expect(pipeline, 'a line that is not JSON keeps its raw text in msg').toMatch(new RegExp(`rename\\s*=>\\s*\\{\\s*"${LINE_FIELD}"\\s*=>\\s*"msg"\\s*\\}`));
    expect(pipeline).toMatch(new RegExp(`copy\\s*=>\\s*\\{\\s*"\\[tags\\]\\[0\\]"\\s*=>\\s*"${TAG_FIELD}"\\s*\\}`));
    const removed = settingValues('remove_field').join(' ');
    for (const field of [...DROPPED_FIELDS, '@version', 'tags']) expect(removed, field).toContain(field);
  });

  it('writes to the Elasticsearch compose service, in the daily indices Fluentd writes', () => {
    expect(settingValues('hosts')).toEqual([`["http://${ELASTICSEARCH.host}:${ELASTICSEARCH.port}"]`]);
    expect(STACK.services[ELASTICSEARCH.host]?.ports?.map(String).some((p) => p.endsWith(`:${ELASTICSEARCH.port}`))).toBe(true);
    const [index] = settingValues('index');
    const date = /^(.*)%\{\+([^}]+)\}$/.exec(index ?? '');
    expect(date?.[1]).toBe(`${INDEX_PREFIX}-`);
    const now = new Date();
    expect(`${date![1]}${jodaDate(date![2]!, now)}`).toBe(dailyIndex(now));
    expect(settingValues('data_stream')).toEqual(['false']);
    expect(settingValues('ilm_enabled'), 'a rollover alias would replace the daily index names').toEqual(['false']);
  });

  it('installs the same composable index template, from the file compose mounts beside it', () => {
    expect(settingValues('template_name')).toEqual([TEMPLATE_NAME]);
    expect(settingValues('template_api')).toEqual(['composable']);
    expect(settingValues('manage_template')).toEqual(['true']);
    expect(settingValues('template_overwrite')).toEqual(['true']);
    const mounts = new Map(bindMounts(logstash).map(([s, t]) => [s.replace(/^\.\//, ''), t]));
    expect(settingValues('template')).toEqual([mounts.get('observability/elasticsearch/index-template.json')]);
  });
});

describe('Logstash settings (observability/logstash/config/logstash.yml) and its service', () => {
  it('serves the monitoring API the healthcheck asks, on a port the service exposes', () => {
    expect(settings['api.http.host']).toBe('0.0.0.0');
    const port = Number(settings['api.http.port']);
    expect((logstash.expose ?? []).map(Number)).toContain(port);
    const probe = healthcheckArgv(logstash) ?? [];
    expect(probe.slice(0, 2)).toEqual(['CMD', 'curl']);
    expect(probe.at(-1)).toBe(`http://127.0.0.1:${port}/_node/pipelines/main`);
  });

  it('queues events on disk on a named volume, as Fluentd buffers them, and sends no monitoring data', () => {
    expect(settings['queue.type']).toBe('persisted');
    expect(String(settings['queue.max_bytes'])).toMatch(/^\d+[kmg]b$/);
    expect(namedVolumeMounts(logstash).map(([, t]) => t)).toContain('/usr/share/logstash/data');
    expect(settings['xpack.monitoring.enabled']).toBe(false);
  });

  it('gives the JVM a fixed heap that leaves at least half of the memory limit off-heap', () => {
    const opts = String(logstash.environment?.LS_JAVA_OPTS ?? '');
    const xms = /-Xms(\d+)m/.exec(opts)?.[1];
    const xmx = /-Xmx(\d+)m/.exec(opts)?.[1];
    expect(xms, 'LS_JAVA_OPTS -Xms…m').toBeDefined();
    expect(xms).toBe(xmx);
    expect(Number(xmx) * 2).toBeLessThanOrEqual(mebibytes(logstash.deploy!.resources!.limits!.memory!));
  });

  it('sets no variable that looks like a Logstash setting, which the entrypoint would write into the read-only logstash.yml', () => {
    const names = Object.keys(logstash.environment ?? {});
    expect(names).toEqual(['LS_JAVA_OPTS']);
    expect(commandArgs(logstash)).toEqual([]);
  });
});
