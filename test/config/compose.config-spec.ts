import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeConfig, composeRun, composeRunWithout } from '../support/compose-config.js';
import { runTool } from '../support/tools.js';
import {
  type ConfiguredService,
  type Endpoint,
  LOOPBACK,
  binds,
  dependencies,
  endpointsIn,
  exposedPorts,
  fluentdDialTimes,
  healthcheckTest,
  memoryOf,
  parseYamlStrict,
  publishedPorts,
  readDotEnv,
  readIfExists,
  stringsIn,
} from './support/compose.js';

// A contract over docker-compose.yml, its overlays and every config they mount: the stack is never
// started here (CI has no Docker). The files are loaded by compose-go, the library Docker Compose
// is built on (test/support/compose-config.ts): merging, interpolation and the Compose
// Specification's schema are its, so what is left here is what it cannot know.
const ROOT = resolve(import.meta.dirname, '../..');
const at = (path: string) => join(ROOT, path);
const rel = (file: string) => relative(ROOT, file);

const OVERLAYS = [
  'docker-compose.lite.yml',
  'docker-compose.logstash.yml',
  'docker-compose.scale.yml',
  'docker-compose.zipkin.yml',
];
const STACKS: Record<string, string[]> = {
  full: ['docker-compose.yml'],
  lite: ['docker-compose.yml', 'docker-compose.lite.yml'],
  logstash: ['docker-compose.yml', 'docker-compose.logstash.yml'],
  scale: ['docker-compose.yml', 'docker-compose.scale.yml'],
  'lite scaled': ['docker-compose.yml', 'docker-compose.lite.yml', 'docker-compose.scale.yml'],
};
const FILES = {
  prometheus: at('observability/prometheus/prometheus.yml'),
  alertmanager: at('observability/alertmanager/alertmanager.yml'),
  datasources: at('observability/grafana/provisioning/datasources/datasources.yml'),
  dashboardProviders: at('observability/grafana/provisioning/dashboards/dashboards.yml'),
  dashboards: at('observability/grafana/dashboards'),
  fluentDockerfile: at('observability/fluentd/Dockerfile'),
  jaeger: at('observability/jaeger/config.yaml'),
  kibanaSetup: at('observability/kibana/setup.sh'),
  kibanaObjects: at('observability/kibana/saved-objects.ndjson'),
  readme: at('README.md'),
};

/** The goal for the sum of memory limits. The lite stack meets it. */
const MEMORY_GOAL_MIB = 3 * 1024;
/**
 * The full stack cannot: Elasticsearch with its 512m heap needs ~1 GiB, Kibana 8 ~1 GiB
 * (it does not start in 500 MiB), and the four services 4 x 256 MiB (measured idle RSS
 * ~190 MiB, docs/benchmarks.md): 3 GiB before Prometheus, Grafana (512 MiB, its documented
 * minimum), Jaeger or the databases. This ceiling keeps the full stack from creeping up;
 * README.md says so.
 */
const FULL_STACK_CEILING_MIB = 5 * 1024;

/**
 * With the Logstash overlay: Logstash's JVM (768 MiB) replaces Fluentd (128 MiB), 640 MiB
 * more than the full stack, which the 5 GiB ceiling has no room for. Its own ceiling keeps
 * it from creeping up; README.md prints the sum and asks for 6 GB for this variant.
 */
const LOGSTASH_STACK_CEILING_MIB = 6 * 1024;

/** Services without a healthcheck, each with its reason. Only one-shot jobs qualify. */
const NO_HEALTHCHECK: Record<string, string> = {
  'kibana-setup': 'one-shot job: it exits once the data view and searches exist; nothing to probe',
  k6: 'one-shot run of one k6 script on demand (profile k6): it exits when the script ends; nothing to probe',
  fault: 'one-shot run of the fault CLI on demand (profile fault): it exits when the command ends; nothing to probe',
};

/** Services started only on demand (a profile of their own in docker-compose.yml): not part of either stack's sum. */
const ON_DEMAND: Record<string, string> = {
  k6: 'any k6 script once: K6_SCRIPT=<script> docker compose --profile k6 run --rm k6',
  fault: 'one fault CLI command: docker compose run --rm fault <command>',
};

/** The services the lite overlay leaves out. */
const LOG_PIPELINE = ['fluentd', 'elasticsearch', 'kibana', 'kibana-setup'];

/** The tool each healthcheck relies on, by image repository (or build context): what the image has. */
const PROBE_TOOL: Record<string, string> = {
  postgres: 'pg_isready',
  rabbitmq: 'rabbitmq-diagnostics',
  'quay.io/prometheuscommunity/postgres-exporter': 'wget', // busybox base
  'prom/prometheus': 'wget', // busybox base
  'prom/alertmanager': 'wget', // busybox base
  'grafana/grafana': 'curl', // also what Jaeger's own monitor compose probes Grafana with
  'jaegertracing/jaeger': 'wget', // Alpine base since Jaeger v2 (scripts/build/docker/base)
  'docker.elastic.co/elasticsearch/elasticsearch': 'curl',
  'docker.elastic.co/kibana/kibana': 'curl',
  'build:.': 'node', // ./Dockerfile, node:*-slim: no curl, no wget
  'build:observability/fluentd': 'ruby', // fluent/fluentd:*-debian: no curl, no wget
  'grafana/k6': 'wget', // Alpine base: busybox wget
  'axllent/mailpit': '/mailpit', // the image's own HEALTHCHECK: `/mailpit readyz`
  'docker.elastic.co/logstash/logstash': 'curl', // UBI-minimal base: curl, no wget
  node: 'node', // NODE_IMAGE (runbooks), node:*-slim: no curl, no wget
};

/** The UIs README.md must list, with the host port each is published on. */
const UIS: [name: string, service: string, containerPort: number][] = [
  ['Gateway API', 'gateway', 3000],
  ['Grafana', 'grafana', 3000],
  ['Prometheus', 'prometheus', 9090],
  ['Alertmanager', 'alertmanager', 9093],
  ['Jaeger', 'jaeger', 16686],
  ['Kibana', 'kibana', 5601],
  ['RabbitMQ', 'rabbitmq', 15672],
  ['Elasticsearch', 'elasticsearch', 9200],
  ['Mailpit', 'mailpit', 8025],
  ['Runbooks', 'runbooks', 3300],
];

const ENV = readDotEnv(at('.env'));
const FULL = composeConfig(STACKS.full);
const SERVICES = FULL.services;
const NAMES = Object.keys(SERVICES);
const APPS = ['gateway', 'order', 'payment', 'notification'];

type Services = Record<string, ConfiguredService>;
/** What `docker compose up` starts with these files: every service without a profile. */
const startedBy = (files: string[]): Services =>
  Object.fromEntries(Object.entries(composeConfig(files).services).filter(([, s]) => !(s.profiles ?? []).length));
const STARTED = startedBy(STACKS.full);
const LITE_SERVICES = startedBy(STACKS.lite);
const LOGSTASH_SERVICES = startedBy(STACKS.logstash);

const yamlOf = <T>(file: string): T | undefined => {
  const text = readIfExists(file);
  return text === undefined ? undefined : parseYamlStrict<T>(text, rel(file));
};

const sumOf = (services: Services) => Object.values(services).reduce((n, s) => n + memoryOf(s), 0);
const imageRepository = (image: string) => image.replace(/@sha256:.*$/, '').replace(/:[^:/]+$/, '');
const probeKey = (service: ConfiguredService) =>
  service.image ? imageRepository(service.image) : `build:${rel(service.build?.context ?? '') || '.'}`;
/** A Go duration as compose-go prints it (`1m0s`, `30s`) in seconds. */
const seconds = (duration = '0s') =>
  [...duration.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)].reduce(
    (n, [, v, u]) => n + Number(v) * { h: 3600, m: 60, s: 1 }[u as 'h' | 'm' | 's'],
    0,
  );
/** A bind mount's target by its source in the repository. */
const mountOf = (service: ConfiguredService, source: string) =>
  binds(service).find((b) => b.source === at(source))?.target;

// ---- The host:port pairs the configs name --------------------------------------

interface Reference extends Endpoint {
  /** The service whose config this is (for localhost). */
  owner?: string;
}

function prometheusTargets(): Reference[] {
  interface Targets {
    static_configs?: { targets?: string[] }[];
    dns_sd_configs?: { names?: string[]; port?: number }[];
  }
  const config = yamlOf<{
    scrape_configs?: (Targets & { job_name: string })[];
    alerting?: { alertmanagers?: Targets[] };
  }>(FILES.prometheus)!;
  const jobs = [
    ...(config.scrape_configs ?? []).map((job) => [`job ${job.job_name}`, job] as const),
    ...(config.alerting?.alertmanagers ?? []).map((am) => ['alerting', am] as const),
  ];
  return jobs
    .flatMap(([what, job]) => [
      ...(job.static_configs ?? []).flatMap((sc) =>
        (sc.targets ?? []).flatMap((t) => endpointsIn(t, `prometheus.yml ${what}`)),
      ),
      ...(job.dns_sd_configs ?? []).flatMap((sd) =>
        (sd.names ?? []).map((host) => ({ host, port: Number(sd.port), source: `prometheus.yml ${what} (DNS)` })),
      ),
    ])
    .map((e) => ({ ...e, owner: 'prometheus' }));
}

/** Webhook URLs and SMTP smarthosts (global and per email receiver). */
function alertmanagerTargets(): Reference[] {
  const config = yamlOf<{
    global?: { smtp_smarthost?: string };
    receivers?: { name: string; webhook_configs?: { url: string }[]; email_configs?: { smarthost?: string }[] }[];
  }>(FILES.alertmanager)!;
  return [
    ...endpointsIn(config.global?.smtp_smarthost ?? '', 'alertmanager.yml global smtp_smarthost'),
    ...(config.receivers ?? []).flatMap((r) => [
      ...(r.webhook_configs ?? []).flatMap((w) => endpointsIn(w.url, `alertmanager.yml receiver ${r.name}`)),
      ...(r.email_configs ?? []).flatMap((e) =>
        endpointsIn(e.smarthost ?? '', `alertmanager.yml receiver ${r.name} smarthost`),
      ),
    ]),
  ];
}

function grafanaDatasourceUrls(): Reference[] {
  const config = yamlOf<{ datasources?: { uid: string; url?: string }[] }>(FILES.datasources)!;
  return (config.datasources ?? []).flatMap((d) => endpointsIn(d.url ?? '', `Grafana datasource ${d.uid}`));
}

/** URLs in the services' environment and commands: OTLP endpoints, databases, KIBANA_URL, … */
function composeUrls(): Reference[] {
  return Object.entries(SERVICES).flatMap(([name, service]) =>
    [
      ...Object.entries(service.environment ?? {}).flatMap(([key, value]) =>
        endpointsIn(String(value ?? ''), `${name} ${key}`),
      ),
      ...(service.command ?? []).flatMap((arg) => endpointsIn(arg, `${name} command`)),
    ].map((e) => ({ ...e, owner: name })),
  );
}

const JAEGER = yamlOf<Record<string, unknown>>(FILES.jaeger)!;
const get = (tree: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);

function jaegerOutgoing(): Reference[] {
  return stringsIn(JAEGER)
    .filter(([, value]) => /^\w+:\/\//.test(value))
    .flatMap(([path, value]) => endpointsIn(value, `jaeger config ${path}`));
}

function kibanaSetupDefault(): Reference[] {
  const fallback = /KIBANA_URL:-([^}"]+)/.exec(readFileSync(FILES.kibanaSetup, 'utf8'))?.[1];
  return fallback ? endpointsIn(fallback, 'kibana/setup.sh default KIBANA_URL') : [];
}

const REFERENCES: Reference[] = [
  ...prometheusTargets(),
  ...alertmanagerTargets(),
  ...grafanaDatasourceUrls(),
  ...composeUrls(),
  ...jaegerOutgoing(),
  ...kibanaSetupDefault(),
];
const refId = (r: Reference) => `${r.source} → ${r.host}:${r.port}`;

/** host:port every Jaeger listener binds, from its config. */
function jaegerListeners(): Endpoint[] {
  const endpoints = stringsIn(JAEGER)
    .filter(([path, value]) => path.endsWith('endpoint') && !/^\w+:\/\//.test(value))
    .flatMap(([path, value]) => endpointsIn(value, path));
  const readers = (
    (get(JAEGER, 'service.telemetry.metrics.readers') ?? []) as {
      pull?: { exporter?: { prometheus?: { host?: string; port?: number } } };
    }[]
  ).flatMap((r) => {
    const p = r.pull?.exporter?.prometheus;
    return p ? [{ host: p.host ?? 'localhost', port: Number(p.port), source: 'service.telemetry.metrics' }] : [];
  });
  return [...endpoints, ...readers];
}

// =====================================================================================

describe('docker-compose.yml', () => {
  describe('files and variables', () => {
    it.each(Object.entries(STACKS))(
      'loads the %s stack (%s) as Docker Compose does, every variable set',
      (_stack, files) => {
        const run = composeRun(files);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).not.toMatch(/variable is not set/);
      },
    );

    describe('with a variable missing from .env', () => {
      // Every overlay at once: each variable any of them uses is in play.
      const files = ['docker-compose.yml', ...OVERLAYS];
      const baseline = JSON.stringify(composeConfig(files));
      const outcome = new Map<string, 'refused' | 'same' | string>();
      beforeAll(() => {
        for (const name of Object.keys(ENV)) {
          const run = composeRunWithout(files, Object.fromEntries(Object.entries(ENV).filter(([key]) => key !== name)));
          if (run.code !== 0)
            outcome.set(
              name,
              run.stderr.includes(`required variable ${name} is missing a value`) ? 'refused' : run.stderr,
            );
          else outcome.set(name, JSON.stringify(run.project) === baseline ? 'same' : 'a different stack');
        }
      });

      it('compose refuses to start, naming it, or falls back to the value .env sets: .env is the one place of each value', () => {
        const drift = [...outcome]
          .filter(([, o]) => o !== 'refused' && o !== 'same')
          .map(([name, o]) => `${name}: ${o}`);
        expect(drift).toEqual([]);
      });

      it.each(NAMES.filter((n) => SERVICES[n]!.image))(
        '%s runs an image pinned to a version in .env, without which compose refuses',
        (name) => {
          const image = SERVICES[name]!.image!;
          const variable = Object.keys(ENV).find((key) => ENV[key] === image);
          expect(variable, `${image} is a value of .env`).toBeDefined();
          expect(outcome.get(variable!), `${variable} has no default in the compose files`).toBe('refused');
          const tag = /:([^:/@]+)(@sha256:[a-f0-9]+)?$/.exec(image)?.[1];
          expect(tag, `${image} has no tag`).toBeDefined();
          expect(tag, 'a version, e.g. v3.14.0 or 8.19.19').toMatch(/^v?\d+(\.\d+)+/);
        },
      );
    });

    it.each(Object.entries(STACKS))('the %s stack mounts only files and folders that exist', (_stack, files) => {
      const absent = Object.entries(composeConfig(files).services).flatMap(([name, s]) =>
        binds(s)
          .filter((b) => !existsSync(b.source))
          .map((b) => `${name}: ${rel(b.source)}`),
      );
      expect(absent).toEqual([]);
    });
  });

  describe('images', () => {
    it.each(NAMES.filter((n) => SERVICES[n]!.build))('%s builds from a base image pinned to a version', (name) => {
      const build = SERVICES[name]!.build!;
      const dockerfile = join(build.context, build.dockerfile ?? 'Dockerfile');
      const text = readFileSync(dockerfile, 'utf8');
      const defaults = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
      const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) =>
        m[1]!.replace(/\$\{?(\w+)\}?/g, (_, v: string) => build.args?.[v] ?? defaults[v] ?? `<unset ${v}>`),
      );
      expect(froms.length).toBeGreaterThan(0);
      for (const image of froms) expect(image, `${rel(dockerfile)}: FROM ${image}`).toMatch(/:v?\d+(\.\d+)+[\w.-]*$/);
    });

    it('runs Elasticsearch and Kibana at one version, on the major of the client gem Fluentd is built with', () => {
      const version = (s: string) => /:(\d+\.\d+\.\d+)$/.exec(SERVICES[s]!.image ?? '')?.[1];
      expect(version('elasticsearch')).toBeDefined();
      expect(version('kibana')).toBe(version('elasticsearch'));
      const gem = /gem install[^\n]*\belasticsearch -v (\d+)\./.exec(readFileSync(FILES.fluentDockerfile, 'utf8'))?.[1];
      expect(gem, 'observability/fluentd/Dockerfile pins the elasticsearch gem').toBeDefined();
      expect(version('elasticsearch')!.split('.')[0]).toBe(gem);
    });

    it('runs Prometheus 3 with exemplar storage on, so Grafana can jump from a latency spike to its trace', () => {
      expect(SERVICES.prometheus!.image).toMatch(/:v3\./);
      expect(SERVICES.prometheus!.command).toContain('--enable-feature=exemplar-storage');
    });
  });

  describe('every service', () => {
    it.each(NAMES)('%s has a healthcheck, or is a listed one-shot job', (name) => {
      const service = SERVICES[name]!;
      if (name in NO_HEALTHCHECK) {
        expect(healthcheckTest(service), 'listed as an exception but has a healthcheck').toBeUndefined();
        expect(service.restart, `${name} is excused as a one-shot job: ${NO_HEALTHCHECK[name]}`).toBe('no');
        return;
      }
      expect(healthcheckTest(service), `${name} has no healthcheck`).toBeDefined();
    });

    it.each(NAMES.filter((n) => !(n in NO_HEALTHCHECK)))(
      '%s probes its health with a tool its image has, without a shell',
      (name) => {
        const service = SERVICES[name]!;
        const [form, tool] = healthcheckTest(service) ?? [];
        expect(form, 'exec form (CMD): no shell needed in the image').toBe('CMD');
        const key = probeKey(service);
        expect(
          PROBE_TOOL[key],
          `no known probe tool for ${key}: check the image, then list it in PROBE_TOOL`,
        ).toBeDefined();
        expect(tool).toBe(PROBE_TOOL[key]);
      },
    );

    it.each(NAMES)('%s has a memory limit', (name) => {
      expect(memoryOf(SERVICES[name]!)).toBeGreaterThan(0);
    });

    it.each(NAMES)('%s waits for healthy dependencies only on services that have a healthcheck', (name) => {
      for (const [dep, condition] of dependencies(SERVICES[name]!)) {
        if (condition === 'service_healthy')
          expect(healthcheckTest(SERVICES[dep]!), `${dep} has no healthcheck`).toBeDefined();
      }
    });

    it.each(NAMES)('%s publishes its ports on 127.0.0.1 only', (name) => {
      for (const port of SERVICES[name]!.ports ?? [])
        expect(port.host_ip, `${port.published}:${port.target}`).toBe('127.0.0.1');
    });
  });

  describe('memory', () => {
    const full = sumOf(STARTED);
    const lite = sumOf(LITE_SERVICES);

    it(`keeps the lite stack within the ${MEMORY_GOAL_MIB / 1024} GiB goal`, () => {
      expect(lite).toBeLessThanOrEqual(MEMORY_GOAL_MIB);
    });

    it(`keeps the full stack within its ${FULL_STACK_CEILING_MIB / 1024} GiB ceiling`, () => {
      expect(full).toBeLessThanOrEqual(FULL_STACK_CEILING_MIB);
    });

    it(`keeps the full stack with Logstash within its ${LOGSTASH_STACK_CEILING_MIB / 1024} GiB ceiling`, () => {
      expect(sumOf(LOGSTASH_SERVICES)).toBeLessThanOrEqual(LOGSTASH_STACK_CEILING_MIB);
    });

    it('prints every limit and both sums, as they are, in README.md', () => {
      const readme = readFileSync(FILES.readme, 'utf8');
      for (const [name, service] of Object.entries({ ...SERVICES, logstash: LOGSTASH_SERVICES.logstash! })) {
        const row = new RegExp(`\\| \`${name}\` \\|[^\\n]*\\| ${memoryOf(service)} \\|`);
        expect(row.test(readme), `README.md: | \`${name}\` | … | ${memoryOf(service)} |`).toBe(true);
      }
      const withLogstash = sumOf(LOGSTASH_SERVICES);
      for (const sum of [
        `Full stack: **${full} MiB**`,
        `Lite stack: **${lite} MiB**`,
        `Full stack with Logstash: **${withLogstash} MiB**`,
      ]) {
        expect(readme.includes(sum), `README.md: ${sum}`).toBe(true);
      }
    });
  });

  describe('wiring', () => {
    it.each(REFERENCES.map((r) => [refId(r), r] as const))('%s is a compose service exposing that port', (_id, ref) => {
      if (LOOPBACK.has(ref.host)) {
        // The config's own container, or a link handed out to the browser (the host).
        const owner = SERVICES[ref.owner ?? '']!;
        expect(owner, `${ref.source}: localhost without an owning service`).toBeDefined();
        expect([...exposedPorts(owner), ...publishedPorts(owner).keys()]).toContain(ref.port);
        return;
      }
      expect(NAMES, `${ref.host} is not a compose service`).toContain(ref.host);
      expect(exposedPorts(SERVICES[ref.host]!), `${ref.host} does not expose ${ref.port}`).toContain(ref.port);
    });

    it('binds every Jaeger listener to 0.0.0.0 on a port the jaeger service exposes', () => {
      const listeners = jaegerListeners();
      expect(listeners.length).toBeGreaterThan(0);
      for (const l of listeners) {
        expect(l.host, l.source).toBe('0.0.0.0');
        expect(exposedPorts(SERVICES.jaeger!), `${l.source} :${l.port}`).toContain(l.port);
      }
    });

    it('ships every other service’s output to the collector through the Docker daemon, asynchronously, on its published port', () => {
      for (const name of NAMES.filter((n) => !LOG_PIPELINE.includes(n))) {
        const logging = SERVICES[name]!.logging;
        expect(logging?.driver, name).toBe('fluentd');
        expect(logging?.options?.['fluentd-async'], `${name}: start even before Fluentd`).toBe('true');
        const [host, port] = (logging?.options?.['fluentd-address'] ?? '').split(':');
        expect(LOOPBACK, `${name}: the daemon dials the host`).toContain(host);
        expect(publishedPorts(SERVICES.fluentd!).has(Number(port)), `${name}: Fluentd publishes ${port}`).toBe(true);
      }
    });

    it('buffers early lines in the driver for longer than the collector may take to start, with the bound README.md states', () => {
      const options = SERVICES.order!.logging?.options ?? {};
      const limit = Number(options['fluentd-buffer-limit']);
      const wait = /^(\d+)(ms|s)$/.exec(options['fluentd-retry-wait'] ?? '');
      const retries = Number(options['fluentd-max-retries']);
      expect(limit, 'fluentd-buffer-limit: a number of lines').toBeGreaterThan(0);
      expect(wait, 'fluentd-retry-wait: a Go duration, e.g. 1s').not.toBeNull();
      expect(retries, 'fluentd-max-retries').toBeGreaterThan(0);
      const dials = fluentdDialTimes(Number(wait![1]) * (wait![2] === 's' ? 1000 : 1), retries);
      const window = dials.at(-1)!;
      // The worst start: Elasticsearch's and then the slower collector's start periods, back to back.
      const startPeriod = (s?: ConfiguredService) => seconds(s?.healthcheck?.start_period);
      const slowest =
        startPeriod(SERVICES.elasticsearch) +
        Math.max(startPeriod(SERVICES.fluentd), startPeriod(LOGSTASH_SERVICES.logstash));
      expect(
        window,
        `the driver gives up after ${window} s; the collector may need ${slowest} s`,
      ).toBeGreaterThanOrEqual(slowest);
      expect(limit / window, 'lines per second a container may write meanwhile').toBeGreaterThanOrEqual(20);
      const readme = readFileSync(FILES.readme, 'utf8');
      expect(readme).toContain(`up to **${limit} lines per container**`);
      expect(readme).toContain(`dials the collector ${retries} times`);
      expect(readme).toContain(`over **${window} s**`);
      const compose = readFileSync(at('docker-compose.yml'), 'utf8').replace(/\n#\s+/g, ' ');
      expect(compose, 'the dial times in the x-logging comment').toContain(
        dials.join(', ').replace(/, (\d+)$/, ' and $1'),
      );
      for (const [name, s] of Object.entries(SERVICES).filter(([n]) => !LOG_PIPELINE.includes(n))) {
        expect(s.logging?.options, name).toEqual(options);
      }
    });

    it('keeps the log pipeline itself off the fluentd driver', () => {
      for (const name of LOG_PIPELINE) expect(SERVICES[name]!.logging?.driver, name).not.toBe('fluentd');
    });

    it('points the four services’ OTLP exporter at Jaeger’s OTLP/HTTP receiver', () => {
      const http = get(JAEGER, 'receivers.otlp.protocols.http.endpoint');
      for (const name of APPS) {
        expect(SERVICES[name]!.environment?.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe(
          `http://jaeger:${String(http).split(':').pop()}`,
        );
      }
    });

    it('hands Alertmanager the webhook token the notification service checks', () => {
      const config = yamlOf<{
        receivers: { webhook_configs?: { http_config?: { authorization?: { credentials_file?: string } } }[] }[];
      }>(FILES.alertmanager)!;
      const files = new Set(
        config.receivers.flatMap((r) =>
          (r.webhook_configs ?? []).map((w) => w.http_config?.authorization?.credentials_file),
        ),
      );
      expect([...files]).toHaveLength(1);
      const secret = (SERVICES.alertmanager!.secrets ?? []).find((s) => s.target === [...files][0]);
      expect(secret, `a secret mounted at ${[...files][0]}`).toBeDefined();
      expect(FULL.secrets?.[secret!.source]?.environment).toBe('ALERT_WEBHOOK_TOKEN');
      expect(SERVICES.notification!.environment?.ALERT_WEBHOOK_TOKEN).toBe(ENV.ALERT_WEBHOOK_TOKEN);
      expect(ENV.ALERT_WEBHOOK_TOKEN, 'the service rejects tokens under 16 printable characters').toMatch(
        /^[\x21-\x7e]{16,}$/,
      );
    });

    it('hands Alertmanager the Slack webhook URL file it reads, by default a committed placeholder with no real URL', () => {
      const config = yamlOf<{ receivers?: { slack_configs?: { api_url_file?: string }[] }[] }>(FILES.alertmanager);
      const read = (config?.receivers ?? []).flatMap((r) => (r.slack_configs ?? []).map((s) => s.api_url_file));
      expect(read.length).toBeGreaterThan(0);
      for (const target of read) {
        const secret = (SERVICES.alertmanager!.secrets ?? []).find((s) => s.target === target);
        expect(secret, `a secret mounted at ${target}`).toBeDefined();
        const file = FULL.secrets?.[secret!.source]?.file ?? '';
        expect(rel(file)).toBe('observability/alertmanager/slack-webhook-url.example');
        const url = readFileSync(file, 'utf8').trim();
        expect(url, `${rel(file)}: one URL on one line`).toMatch(/^https?:\/\/\S+$/);
        expect(LOOPBACK.has(new URL(url).hostname), 'the placeholder stays on the machine (not hooks.slack.com)').toBe(
          true,
        );
      }
    });

    it('runs Mailpit with its SMTP port inside the network only and its UI on the host, before Alertmanager', () => {
      const mailpit = SERVICES.mailpit!;
      expect(exposedPorts(mailpit)).toContain(1025);
      expect([...publishedPorts(mailpit).values()], 'SMTP is not published on the host').not.toContain(1025);
      expect(publishedPorts(mailpit).get(Number(ENV.MAILPIT_UI_HOST_PORT))).toBe(8025);
      expect(dependencies(SERVICES.alertmanager!)).toContainEqual(['mailpit', 'service_healthy']);
    });

    it('gives Grafana its documented 512 MB minimum, a Go soft memory limit below it, and the home dashboard', () => {
      const grafana = SERVICES.grafana!;
      expect(memoryOf(grafana)).toBe(512);
      const soft = String(grafana.environment?.GOMEMLIMIT ?? '');
      expect(soft, 'GOMEMLIMIT in MiB, e.g. 460MiB').toMatch(/^\d+MiB$/);
      const mib = parseInt(soft, 10);
      expect(mib).toBeLessThan(memoryOf(grafana));
      expect(mib, 'not so low that the GC runs all the time').toBeGreaterThanOrEqual(memoryOf(grafana) * 0.8);
      const home = String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '');
      const mount = binds(grafana).find((b) => home.startsWith(`${b.target}/`));
      expect(mount, `${home} is on a mount`).toBeDefined();
      const file = join(mount!.source, home.slice(mount!.target.length));
      expect((JSON.parse(readFileSync(file, 'utf8')) as { uid?: string }).uid).toBe('home');
    });

    it.each(UIS.filter(([, service]) => service !== 'grafana'))(
      'links the %s UI from Grafana’s home dashboard at its published host port',
      (label, service, containerPort) => {
        const home = readFileSync(join(FILES.dashboards, 'home.json'), 'utf8');
        const hostPort = [...publishedPorts(SERVICES[service]!)].find(([, c]) => c === containerPort)?.[0];
        expect(
          home.includes(`| ${label} | [localhost:${hostPort}`),
          `home.json: | ${label} | [localhost:${hostPort}…`,
        ).toBe(true);
        expect(home.includes(`(http://localhost:${hostPort}`)).toBe(true);
      },
    );

    it('mounts each config where its tool reads it', () => {
      expect(mountOf(SERVICES.prometheus!, 'observability/prometheus')).toBe('/etc/prometheus');
      expect(SERVICES.prometheus!.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
      expect(mountOf(SERVICES.alertmanager!, 'observability/alertmanager/alertmanager.yml')).toBe(
        '/etc/alertmanager/alertmanager.yml',
      );
      expect(mountOf(SERVICES.alertmanager!, 'observability/alertmanager/templates')).toBe(
        '/etc/alertmanager/templates',
      );
      expect(mountOf(SERVICES.grafana!, 'observability/grafana/provisioning')).toBe('/etc/grafana/provisioning');
      const providers = yamlOf<{ providers: { options: { path: string } }[] }>(FILES.dashboardProviders)!;
      for (const p of providers.providers)
        expect(mountOf(SERVICES.grafana!, 'observability/grafana/dashboards')).toBe(p.options.path);
      const jaegerArgs = SERVICES.jaeger!.command ?? [];
      expect(mountOf(SERVICES.jaeger!, 'observability/jaeger/config.yaml')).toBe(
        jaegerArgs[jaegerArgs.indexOf('--config') + 1],
      );
      expect(mountOf(SERVICES.fluentd!, 'observability/fluentd/fluent.conf')).toBe('/fluentd/etc/fluent.conf');
      const script = (SERVICES['kibana-setup']!.command ?? []).find((a) => a.endsWith('.sh'))!;
      const mount = binds(SERVICES['kibana-setup']!).find((b) => script.startsWith(`${b.target}/`))!;
      expect(existsSync(join(mount.source, script.slice(mount.target.length)))).toBe(true);
    });

    it('gives the Kibana setup job the KIBANA_URL its script reads, once Kibana is healthy', () => {
      expect(readFileSync(FILES.kibanaSetup, 'utf8')).toMatch(/\$\{?KIBANA_URL/);
      expect(SERVICES['kibana-setup']!.environment?.KIBANA_URL).toBe('http://kibana:5601');
      expect(dependencies(SERVICES['kibana-setup']!)).toContainEqual(['kibana', 'service_healthy']);
    });

    it('publishes Grafana on host port 3100, where the alert and runbook links point', () => {
      expect(publishedPorts(SERVICES.grafana!).get(3100)).toBe(3000);
    });
  });

  describe('load (k6 running loadtest/)', () => {
    const k6Services = ['load', 'k6'];

    it('lists every on-demand service under a profile of its own, and only those', () => {
      const withProfile = NAMES.filter((n) => (SERVICES[n]!.profiles ?? []).length > 0);
      expect(withProfile.sort()).toEqual(Object.keys(ON_DEMAND).sort());
    });

    it('starts the background load by default and restarts it, and runs k6 only on demand', () => {
      expect(SERVICES.load!.profiles, 'load has no profile: `docker compose up` starts it').toBeUndefined();
      expect(SERVICES.load!.restart).toBe('unless-stopped');
      expect(SERVICES.k6!.profiles).toEqual(['k6']);
      expect(dependencies(SERVICES.load!)).toContainEqual(['gateway', 'service_healthy']);
    });

    it.each(k6Services)('%s runs k6 v1 (TypeScript imports) on a script that exists', (name) => {
      expect(SERVICES[name]!.image).toMatch(/^grafana\/k6:1\.\d+\.\d+$/);
      const args = SERVICES[name]!.command ?? [];
      expect(args[0]).toBe('run');
      const script = args.at(-1)!;
      const mount = binds(SERVICES[name]!).find((b) => script.startsWith(`${b.target}/`))!;
      expect(existsSync(join(mount.source, script.slice(mount.target.length))), script).toBe(true);
    });

    it.each(k6Services)(
      '%s mounts the scripts and each file of libs/ they import at the same relative layout',
      (name) => {
        expect(mountOf(SERVICES[name]!, 'loadtest')).toBe('/loadtest');
        // The catalogue (scenario scripts) and the admin API's client (lib/faults.js), wherever they are imported from.
        const imports = ['loadtest/scenarios', 'loadtest/lib'].flatMap((dir) =>
          readdirSync(at(dir)).flatMap((f) =>
            [...readFileSync(at(`${dir}/${f}`), 'utf8').matchAll(/from '(\.[^']*\/libs\/[^']+)'/g)].map((m) =>
              resolve(`/${dir}`, m[1]!),
            ),
          ),
        );
        expect(new Set(imports)).toEqual(
          new Set(['/libs/faults/src/catalogue.ts', '/libs/faults/src/client/fault-client.ts']),
        );
        for (const target of new Set(imports)) expect(mountOf(SERVICES[name]!, target.slice(1)), target).toBe(target);
      },
    );

    it.each(k6Services)('%s remote-writes its metrics to a Prometheus that accepts them', (name) => {
      const args = SERVICES[name]!.command ?? [];
      expect(args[args.indexOf('-o') + 1]).toBe('experimental-prometheus-rw');
      expect(SERVICES[name]!.environment?.K6_PROMETHEUS_RW_SERVER_URL).toBe('http://prometheus:9090/api/v1/write');
      expect(SERVICES.prometheus!.command).toContain('--web.enable-remote-write-receiver');
    });

    it("tags each k6 service's series with its own testid, and writes trends as native histograms", () => {
      const testids = k6Services.map((name) => SERVICES[name]!.environment?.TESTID);
      for (const [i, id] of testids.entries()) expect(id, k6Services[i]).toMatch(/\S/);
      expect(new Set(testids).size, 'load and k6 write to one Prometheus: identical series would be refused').toBe(
        k6Services.length,
      );
      for (const name of k6Services) {
        expect(SERVICES[name]!.environment?.K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM, name).toBe('true');
        expect(SERVICES[name]!.environment, `${name}: whole-run trend stats`).not.toHaveProperty(
          'K6_PROMETHEUS_RW_TREND_STATS',
        );
      }
    });

    it('gives the load services and the four apps one admin token, long enough for the services', () => {
      for (const name of [...APPS, ...k6Services, 'fault'])
        expect(SERVICES[name]!.environment?.ADMIN_TOKEN, name).toBe(ENV.ADMIN_TOKEN);
      expect(ENV.ADMIN_TOKEN, 'the services reject admin tokens under 12 characters').toMatch(/^\S{12,}$/);
      for (const name of APPS) expect(SERVICES[name]!.environment, name).toHaveProperty('FAULTS');
    });

    it('runs the background baseline at LOAD_RATE from .env', () => {
      expect(SERVICES.load!.environment?.LOAD_RATE).toBe(ENV.LOAD_RATE);
      expect(Number(ENV.LOAD_RATE)).toBeGreaterThan(0);
      expect((SERVICES.load!.command ?? []).at(-1)).toBe('/loadtest/baseline.js');
    });
  });

  describe('Jaeger (observability/jaeger/config.yaml)', () => {
    it('passes `jaeger validate` of the release compose runs: every component its pipelines name is defined', async () => {
      const run = await runTool('jaeger', ['validate', '--config', FILES.jaeger], { timeoutMs: 30_000 });
      expect(run.code, run.output).toBe(0);
    });

    it('bounds its in-memory trace storage with max_traces', () => {
      const backends = Object.values(
        (get(JAEGER, 'extensions.jaeger_storage.backends') ?? {}) as Record<string, unknown>,
      );
      expect(backends.length).toBeGreaterThan(0);
      for (const b of backends) expect(Number(get(b, 'memory.max_traces'))).toBeGreaterThan(0);
    });

    it('serves the UI on 16686 and its own metrics on 0.0.0.0:8888, where prometheus.yml scrapes them', () => {
      expect(get(JAEGER, 'extensions.jaeger_query.http.endpoint')).toBe('0.0.0.0:16686');
      expect(jaegerListeners()).toContainEqual(
        expect.objectContaining({ host: '0.0.0.0', port: 8888, source: 'service.telemetry.metrics' }),
      );
      expect(prometheusTargets()).toContainEqual(expect.objectContaining({ host: 'jaeger', port: 8888 }));
    });

    it('exports span metrics for the Monitor tab where Prometheus scrapes them (job jaeger-spanmetrics on jaeger:8889)', () => {
      const port = Number(
        String(get(JAEGER, 'exporters.prometheus.endpoint') ?? '')
          .split(':')
          .pop(),
      );
      expect(port, 'no prometheus exporter for span metrics').toBe(8889);
      const scraped = prometheusTargets().some((t) => t.host === 'jaeger' && t.port === port);
      expect(scraped, `prometheus.yml scrapes no jaeger:${port} (its jaeger-spanmetrics job is commented out?)`).toBe(
        true,
      );
    });
  });

  describe('lite overlay (docker-compose.lite.yml)', () => {
    it('leaves out Fluentd, Elasticsearch, Kibana and its setup job, and nothing else', () => {
      expect(Object.keys(LITE_SERVICES).sort()).toEqual(
        Object.keys(STARTED)
          .filter((n) => !LOG_PIPELINE.includes(n))
          .sort(),
      );
    });

    it('logs every remaining service to json-file, with no fluentd option left over', () => {
      for (const [name, s] of Object.entries(LITE_SERVICES)) {
        expect(s.logging?.driver, name).toBe('json-file');
        expect(
          Object.keys(s.logging?.options ?? {}).filter((k) => k.startsWith('fluentd') || k === 'tag'),
          name,
        ).toEqual([]);
      }
    });

    it('leaves no remaining service depending on a left-out one', () => {
      for (const [name, s] of Object.entries(LITE_SERVICES)) {
        for (const [dep] of dependencies(s)) expect(LITE_SERVICES[dep], `${name} → ${dep}`).toBeDefined();
      }
    });
  });
});

describe('Scale overlay (docker-compose.scale.yml)', () => {
  const scaled = composeConfig(STACKS.scale).services;
  const liteScaled = composeConfig(STACKS['lite scaled']).services;
  /** The services the overlay runs several of, with how many; the issue's `--scale order=3 --scale payment=2 --scale notification=2`. */
  const REPLICAS: Record<string, number> = { order: 3, payment: 2, notification: 2 };

  it('runs three order, two payment and two notification replicas, and changes nothing else', () => {
    expect(
      Object.fromEntries(
        Object.entries(scaled).flatMap(([n, s]) => (s.deploy?.replicas ? [[n, s.deploy.replicas]] : [])),
      ),
    ).toEqual(REPLICAS);
    // Everything but the ports and the replica count, as docker-compose.yml has it.
    const rest = (service: ConfiguredService) => ({
      ...service,
      ports: undefined,
      deploy: { ...service.deploy, replicas: undefined },
    });
    for (const [name, service] of Object.entries(scaled)) {
      expect(rest(service), name).toEqual(rest(SERVICES[name]!));
      if (!(name in REPLICAS)) expect(service.ports, name).toEqual(SERVICES[name]!.ports);
    }
  });

  it('names no container and no hostname on any service of docker-compose.yml, so any of them can be scaled', () => {
    expect(NAMES.filter((n) => SERVICES[n]!.container_name)).toEqual([]);
    expect(Object.keys(REPLICAS).filter((n) => SERVICES[n]!.hostname)).toEqual([]);
  });

  it.each([
    ['full', scaled],
    ['lite', liteScaled],
  ])(
    'leaves the %s stack scaled with no fixed host port on a replicated service and no host port published twice',
    (_stack, services) => {
      for (const name of Object.keys(REPLICAS)) expect([...publishedPorts(services[name]!).keys()], name).toEqual([]);
      const hostPorts = Object.entries(services).flatMap(([n, s]) =>
        [...publishedPorts(s).keys()].map((p) => `${p} (${n})`),
      );
      const seen = hostPorts.map((h) => h.split(' ')[0]);
      expect(hostPorts.filter((_, i) => seen.indexOf(seen[i]) !== i)).toEqual([]);
      expect(publishedPorts(services.gateway!).get(Number(ENV.GATEWAY_HOST_PORT))).toBe(3000);
    },
  );

  it('keeps each replicated service reachable inside the network on its port, by the name every caller uses', () => {
    for (const name of Object.keys(REPLICAS)) {
      const port = Number(scaled[name]!.environment?.PORT);
      expect(exposedPorts(scaled[name]!), name).toContain(port);
      const callers = REFERENCES.filter((r) => r.host === name);
      expect(callers.length, `${name} has callers`).toBeGreaterThan(0);
      for (const ref of callers) expect(ref.port, refId(ref)).toBe(port);
    }
  });

  it('has Prometheus find every replica of the four services by DNS (an A record per container), job named after the service', () => {
    const config = yamlOf<{
      scrape_configs: {
        job_name: string;
        static_configs?: unknown;
        dns_sd_configs?: { names: string[]; type: string; port: number }[];
      }[];
    }>(FILES.prometheus)!;
    for (const name of APPS) {
      const job = config.scrape_configs.find((j) => j.job_name === name);
      expect(job?.static_configs, `job ${name} has no fixed target`).toBeUndefined();
      expect(job?.dns_sd_configs, `job ${name}`).toEqual([
        expect.objectContaining({ names: [name], type: 'A', port: Number(SERVICES[name]!.environment?.PORT) }),
      ]);
    }
  });

  it('is named in README.md with its command, and the counts it starts', () => {
    const readme = readFileSync(FILES.readme, 'utf8');
    expect(readme).toContain('docker compose -f docker-compose.yml -f docker-compose.scale.yml up -d --build');
    expect(readme).toContain('--scale order=3 --scale payment=2 --scale notification=2');
    expect(readme).toMatch(/^## Scaling out$/m);
  });
});

describe('Logstash overlay (docker-compose.logstash.yml)', () => {
  const logstash = LOGSTASH_SERVICES.logstash!;
  const pipeline = readFileSync(at('observability/logstash/pipeline/logstash.conf'), 'utf8');

  it('starts Logstash where Fluentd was, and everything else unchanged', () => {
    expect(Object.keys(LOGSTASH_SERVICES).sort()).toEqual(
      [...Object.keys(STARTED).filter((n) => n !== 'fluentd'), 'logstash'].sort(),
    );
    expect(
      composeConfig(STACKS.logstash).services.fluentd!.profiles?.length,
      'Fluentd stays in a profile nobody starts',
    ).toBeGreaterThan(0);
  });

  it('pins Logstash in .env at the Elasticsearch release', () => {
    expect(logstash.image).toBe(ENV.LOGSTASH_IMAGE);
    const version = (image?: string) => /:(\d+\.\d+\.\d+)$/.exec(image ?? '')?.[1];
    expect(imageRepository(logstash.image!)).toBe('docker.elastic.co/logstash/logstash');
    expect(version(logstash.image)).toBe(version(SERVICES.elasticsearch!.image));
  });

  it('health-checks, limits and publishes Logstash like every other service', () => {
    const [form, tool] = healthcheckTest(logstash) ?? [];
    expect(form).toBe('CMD');
    expect(tool).toBe(PROBE_TOOL[probeKey(logstash)]);
    expect(memoryOf(logstash)).toBeGreaterThan(0);
    for (const port of logstash.ports ?? []) expect(port.host_ip).toBe('127.0.0.1');
    expect(dependencies(logstash)).toContainEqual(['elasticsearch', 'service_healthy']);
    expect(logstash.logging?.driver, 'the collector itself logs to local files').toBe('json-file');
  });

  it('leaves every service’s logging as it was: the driver dials the same address, where Logstash’s tcp input listens', () => {
    for (const name of Object.keys(LOGSTASH_SERVICES).filter((n) => !['logstash', ...LOG_PIPELINE].includes(n))) {
      const logging = LOGSTASH_SERVICES[name]!.logging;
      expect(logging, name).toEqual(SERVICES[name]!.logging);
      const [host, hostPort] = (logging?.options?.['fluentd-address'] ?? '').split(':');
      expect(LOOPBACK, `${name}: the daemon dials the host`).toContain(host);
      const target = publishedPorts(logstash).get(Number(hostPort));
      expect(pipeline, `${name}: Logstash's tcp input on the port published as ${hostPort}`).toContain(
        `port => ${target}`,
      );
      expect(publishedPorts(SERVICES.fluentd!).get(Number(hostPort)), 'the address Fluentd had').toBe(24224);
    }
  });

  it('leaves no started service depending on Fluentd', () => {
    for (const [name, s] of Object.entries(LOGSTASH_SERVICES)) {
      for (const [dep] of dependencies(s)) expect(LOGSTASH_SERVICES[dep], `${name} → ${dep}`).toBeDefined();
    }
  });

  it('is named in README.md with its command, and as verified by contract only', () => {
    const readme = readFileSync(FILES.readme, 'utf8');
    expect(readme).toContain('docker compose -f docker-compose.yml -f docker-compose.logstash.yml up -d --build');
    expect(/Logstash[^\n]*verified by contract only|verified by contract only:[^\n]*Logstash/i.test(readme)).toBe(true);
  });
});

describe('observability/ configs', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  const files = walk(at('observability')).filter((f) => /\.(json|ya?ml|ndjson)$/.test(f));

  it.each(files.map(rel))('%s is well-formed', (file) => {
    const text = readFileSync(at(file), 'utf8');
    if (file.endsWith('.ndjson'))
      text
        .split('\n')
        .filter((l) => l.trim())
        .forEach((line) => JSON.parse(line));
    else if (file.endsWith('.json')) JSON.parse(text);
    else parseYamlStrict(text, file);
  });

  it('give every Kibana saved object a unique type and id, so an import never overwrites one with another', () => {
    const ids = readFileSync(FILES.kibanaObjects, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { id?: string; type?: string })
      .map((o) => `${o.type}:${o.id}`);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('README.md', () => {
  const readme = readFileSync(FILES.readme, 'utf8');

  it.each(UIS)('lists the %s UI at its published URL', (label, service, containerPort) => {
    const hostPort = [...publishedPorts(SERVICES[service]!)].find(([, c]) => c === containerPort)?.[0];
    expect(hostPort, `${service} publishes ${containerPort}`).toBeDefined();
    const row = new RegExp(`\\| ${label} \\| http://localhost:${hostPort}[/ ]`);
    expect(row.test(readme), `README.md: | ${label} | http://localhost:${hostPort} …`).toBe(true);
  });

  it('says how to start the full and the lite stack', () => {
    for (const command of [
      'docker compose up -d --build',
      'docker compose -f docker-compose.yml -f docker-compose.lite.yml up -d --build',
    ]) {
      expect(readme.includes(command), `README.md: ${command}`).toBe(true);
    }
  });

  it('says which parts are verified by running them and which only by contract', () => {
    expect(/verified by running them/i.test(readme), 'README.md: "Verified by running them"').toBe(true);
    expect(/verified by contract only/i.test(readme), 'README.md: "Verified by contract only"').toBe(true);
  });
});
