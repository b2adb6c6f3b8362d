import { execFile } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { UIS, helmValues, participants, portForwardScript } from '../../deploy/helm/classroom.mjs';
import { moduleVersions } from '../../scripts/ci/tools.mjs';
import { mebibytes, parseYamlStrict, readDotEnv } from './support/compose.js';
import { composeConfig } from '../support/compose-config.js';
import { toolBinary } from '../support/tools.js';

/**
 * The Helm chart (deploy/helm/workshop-kit), checked with the real tools CI builds from tools/k8s/go.mod
 * (`node scripts/ci/tools.mjs helm k8s-validate`): `helm lint`, `helm template` with the default, lite and
 * classroom values, and k8s-validate on each rendering (strict decoding into the k8s.io/api types Helm is
 * built with; pinned images, requests and limits, probes, non-root, read-only root, PDBs). Then that the
 * validator fails on what it must catch, and that the chart's images, memory limits, environment and
 * configs are compose's, from one source each.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CHART = join(ROOT, 'deploy/helm/workshop-kit');
const CLASSROOM = join(ROOT, 'deploy/helm/values-classroom.yaml');
const ENV = readDotEnv(join(ROOT, '.env'));
const COMPOSE = composeConfig();
const VALUES = parseYamlStrict<ChartValues>(readFileSync(join(CHART, 'values.yaml'), 'utf8'), 'values.yaml');
const SERVICES = ['gateway', 'order', 'payment', 'notification'] as const;

interface ChartValues {
  images: Record<string, string>;
  resources: Record<string, { requests: Record<string, string>; limits: Record<string, string> }>;
  secrets: Record<string, string>;
  appEnv: Record<string, string>;
  ingress: { hosts: Record<string, { service: string; port: number }> };
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface Run {
  code: number;
  output: string;
}

function exec(bin: string, args: string[], input?: string, env?: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const options = { cwd: ROOT, timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } };
    const child = execFile(bin, args, options, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
    child.stdin?.end(input ?? '');
  });
}

const helm = (...args: string[]) => exec(toolBinary('helm'), args);
/** stdout only: Helm 4 logs each followed symlink on stderr. */
function template(...args: string[]): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      toolBinary('helm'),
      ['template', 'kit', CHART, '--namespace', 'p01', ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? fail(new Error(`helm template ${args.join(' ')}\n${stderr}`)) : done(stdout)),
    ),
  );
}
const validate = (manifests: string) => exec(toolBinary('k8s-validate'), ['-v', '-'], manifests);
const objectsOf = (manifests: string) =>
  parseAllDocuments(manifests)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o);
const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} rendered`);
  return found;
};

const RENDERINGS = {
  default: [] as string[],
  lite: ['--set', 'lite=true'],
  classroom: ['--values', CLASSROOM],
  'classroom with the log pipeline and an ingress': helmValues('p01', {
    full: true,
    domain: 'class.test',
    values: [],
    sets: [],
  }).slice(2),
};
const rendered: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, args] of Object.entries(RENDERINGS)) rendered[name] = await template(...args);
});

describe('deploy/helm/workshop-kit', () => {
  it.each(Object.entries(RENDERINGS))('passes helm lint --strict with the %s values', async (_name, args) => {
    const run = await helm('lint', '--strict', CHART, ...args);
    expect(run.output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(run.code, run.output).toBe(0);
  });

  it.each(Object.keys(RENDERINGS))('renders with the %s values into objects k8s-validate accepts', async (name) => {
    const run = await validate(rendered[name]!);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/: ok$/m);
  });

  it('states why each exception to non-root and read-only root is taken, and takes only those', async () => {
    const run = await validate(rendered.default!);
    const exceptions = run.output.split('\n').filter((l) => l.startsWith('exception:'));
    expect(exceptions).toEqual([
      expect.stringMatching(
        /^exception: DaemonSet\/p01\/fluent-bit runs as root: reads the node's container log files/,
      ),
      expect.stringMatching(/^exception: Deployment\/p01\/elasticsearch writes to its root filesystem: .*keystore/),
    ]);
  });

  it('leaves Elasticsearch, Kibana and the log collector out in lite, as docker-compose.lite.yml does', () => {
    const names = (r: string) => objectsOf(r).map((o) => `${o.kind}/${o.metadata.name}`);
    for (const gone of ['Deployment/elasticsearch', 'Deployment/kibana', 'DaemonSet/fluent-bit']) {
      expect(names(rendered.default!)).toContain(gone);
      expect(names(rendered.lite!)).not.toContain(gone);
    }
    expect(names(rendered.lite!).filter((n) => n.startsWith('Job/'))).toEqual([]);
  });

  it('gives a service with more than one replica a PodDisruptionBudget, and one replica none', () => {
    const objects = objectsOf(rendered.default!);
    expect(find(objects, 'Deployment', 'gateway').spec.replicas).toBeGreaterThan(1);
    expect(find(objects, 'PodDisruptionBudget', 'gateway').spec.maxUnavailable).toBe(1);
    const classroom = objectsOf(rendered.classroom!);
    expect(classroom.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
  });
});

describe('tools/k8s/go.mod', () => {
  const goMod = readFileSync(join(ROOT, 'tools/k8s/go.mod'), 'utf8');
  const versions = moduleVersions(goMod);

  it('keeps every k8s.io module that follows the Kubernetes release at one version, the one Helm is built with', () => {
    const released = Object.entries(versions).filter(([m]) =>
      /^k8s\.io\/(api|apimachinery|client-go|apiserver|apiextensions-apiserver|cli-runtime|component-base|kubectl)$/.test(
        m,
      ),
    );
    expect(released.map(([m]) => m)).toEqual(
      expect.arrayContaining(['k8s.io/api', 'k8s.io/apimachinery', 'k8s.io/client-go']),
    );
    expect(new Set(released.map(([, v]) => v))).toEqual(new Set([versions['k8s.io/client-go']]));
    expect(versions['k8s.io/client-go']).toMatch(/^v0\.37\./);
  });

  it('builds the Helm it pins, and helm version says so', async () => {
    const run = await helm('version', '--template', '{{.Version}} {{.KubeClientVersion}}');
    expect(run.output.trim()).toBe(`${versions['helm.sh/helm/v4']} v1.${versions['k8s.io/client-go']!.split('.')[1]}`);
  });
});

describe('k8s-validate catches', () => {
  const findings = async (manifests: string) => {
    const run = await validate(manifests);
    expect(run.code, run.output).toBe(1);
    return run.output;
  };

  it('a values override that removes the memory limits', async () => {
    const out = await findings(await template('--set', 'resources.app.limits=null'));
    for (const s of SERVICES) expect(out).toContain(`Deployment/p01/${s}: container ${s}: no memory limit`);
  });

  it('an image without a pinned version', async () => {
    expect(await findings(await template('--set', 'images.grafana=grafana/grafana:latest'))).toContain(
      'image "grafana/grafana:latest" is not pinned',
    );
    expect(await findings(await template('--set', 'images.mailpit=axllent/mailpit'))).toContain('has no tag');
  });

  it('replicas above one without a PodDisruptionBudget', async () => {
    const docs = rendered.default!.split(/^---$/m).filter((d) => !/^kind: PodDisruptionBudget$/m.test(d));
    expect(await findings(docs.join('---'))).toMatch(/Deployment\/p01\/gateway: 2 replicas but no PodDisruptionBudget/);
  });

  it('a field the Kubernetes API does not have (strict decoding), and a kind it does not know', async () => {
    const typo = rendered.default!.replace(
      'readinessProbe:\n            httpGet: { path: /health/ready',
      'readinesProbe:\n            httpGet: { path: /health/ready',
    );
    const out = await findings(typo);
    expect(out).toMatch(/strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.readinesProbe"/);
    expect(await findings(`${rendered.lite!}\n---\napiVersion: v1\nkind: Pood\nmetadata: { name: x }\n`)).toContain(
      'no kind "Pood" is registered',
    );
  });

  it('a service probing another path than /health/ready and /health/live', async () => {
    const out = await findings(rendered.lite!.replace('path: /health/ready', 'path: /metrics'));
    expect(out).toMatch(/container gateway: readiness probe must GET \/health\/ready/);
  });

  it('a container allowed to run as root, or with a writable root filesystem, without a stated reason', async () => {
    const root = rendered.lite!.replace(
      /runAsNonRoot: true\n(\s+)runAsUser: 1000/,
      'runAsNonRoot: false\n$1runAsUser: 0',
    );
    const out = await findings(root);
    expect(out).toMatch(/Deployment\/p01\/[\w-]+: (init )?container [\w-]+: runAsNonRoot is not true/);
    expect(out).toMatch(/: runAsUser is 0/);
    const writable = rendered.lite!.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false');
    expect(await findings(writable)).toMatch(/readOnlyRootFilesystem is not true/);
  });
});

describe('one source for each version, limit, setting and config file', () => {
  /** values.yaml images → the .env variable that pins the same image. */
  const IMAGE_VARIABLES: Record<string, string> = {
    postgres: 'POSTGRES_IMAGE',
    rabbitmq: 'RABBITMQ_IMAGE',
    postgresExporter: 'POSTGRES_EXPORTER_IMAGE',
    prometheus: 'PROMETHEUS_IMAGE',
    alertmanager: 'ALERTMANAGER_IMAGE',
    grafana: 'GRAFANA_IMAGE',
    jaeger: 'JAEGER_IMAGE',
    mailpit: 'MAILPIT_IMAGE',
    elasticsearch: 'ELASTICSEARCH_IMAGE',
    kibana: 'KIBANA_IMAGE',
    curl: 'CURL_IMAGE',
    k6: 'K6_IMAGE',
  };

  it.each(Object.entries(IMAGE_VARIABLES))('images.%s is the image .env pins as %s', (key, variable) => {
    expect(VALUES.images[key], `values.yaml images.${key}; .env ${variable}=${ENV[variable]}`).toBe(ENV[variable]);
  });

  it('names every image it renders in values.yaml (compose pins the others, or the repository builds them)', () => {
    const known = new Set(Object.values(VALUES.images));
    const used = [...rendered.default!.matchAll(/^\s+image: (\S+)$/gm)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(10);
    for (const image of used) expect(known, image).toContain(image);
    expect(Object.keys(VALUES.images).sort()).toEqual([...Object.keys(IMAGE_VARIABLES), 'app', 'fluentBit'].sort());
  });

  it("tags the services' image, the chart and its appVersion with package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const chart = parseYamlStrict<{ version: string; appVersion: string }>(
      readFileSync(join(CHART, 'Chart.yaml'), 'utf8'),
      'Chart.yaml',
    );
    expect(VALUES.images.app).toBe(`nestjs-observability-workshop/app:${version}`);
    expect([chart.version, chart.appVersion]).toEqual([version, version]);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toContain(
      `docker build -t nestjs-observability-workshop/app:${version} .`,
    );
  });

  /** values.yaml resources → compose service. */
  const LIMITS: Record<string, string> = {
    app: 'gateway',
    postgres: 'postgres',
    rabbitmq: 'rabbitmq',
    postgresExporter: 'postgres-exporter',
    prometheus: 'prometheus',
    alertmanager: 'alertmanager',
    mailpit: 'mailpit',
    grafana: 'grafana',
    jaeger: 'jaeger',
    elasticsearch: 'elasticsearch',
    kibana: 'kibana',
    logCollector: 'fluentd',
    kibanaSetup: 'kibana-setup',
    load: 'load',
  };

  it.each(Object.entries(LIMITS))(
    'resources.%s: memory limit and request are compose %s memory limit',
    (key, service) => {
      const compose = mebibytes(COMPOSE.services[service]!.deploy!.resources!.limits!.memory!);
      const { requests, limits } = VALUES.resources[key]!;
      expect(mebibytes(limits.memory!.replace(/i$/, ''))).toBe(compose);
      // The collector runs participants x nodes times in a classroom: it reserves a quarter (values.yaml says why).
      expect(mebibytes(requests.memory!.replace(/i$/, ''))).toBe(key === 'logCollector' ? compose / 4 : compose);
    },
  );

  it.each([...SERVICES, 'load'])(
    '%s gets the environment compose gives it: the same names, the same values, secrets by reference',
    (name) => {
      const composeEnv = COMPOSE.services[name]!.environment!;
      const container = find(objectsOf(rendered.default!), 'Deployment', name).spec.template.spec.containers[0];
      const env = Object.fromEntries(
        (container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[]).map(
          (e) => [e.name, e.value ?? e.valueFrom],
        ),
      );
      expect(Object.keys(env).sort()).toEqual(Object.keys(composeEnv).sort());
      for (const [key, value] of Object.entries(composeEnv)) {
        if (typeof env[key] === 'object') continue; // a secretKeyRef, checked below
        expect(env[key], key).toBe(String(value));
      }
      const secret = find(objectsOf(rendered.default!), 'Secret', 'workshop-secrets').stringData!;
      for (const [key, ref] of Object.entries(env)) {
        if (typeof ref === 'object')
          expect(secret[(ref as { secretKeyRef: { key: string } }).secretKeyRef.key], key).toBe(
            String(composeEnv[key]),
          );
      }
    },
  );

  it('keeps the workshop tokens and passwords in Secrets, with .env values, and warns that they are workshop-only', () => {
    expect(VALUES.secrets.adminToken).toBe(ENV.ADMIN_TOKEN);
    expect(VALUES.secrets.alertWebhookToken).toBe(ENV.ALERT_WEBHOOK_TOKEN);
    expect([VALUES.secrets.grafanaAdminUser, VALUES.secrets.grafanaAdminPassword]).toEqual([
      ENV.GRAFANA_ADMIN_USER,
      ENV.GRAFANA_ADMIN_PASSWORD,
    ]);
    // The load scripts (ConfigMap loadtest) carry the default token as their own fallback; nothing else may.
    const literal = objectsOf(rendered.default!)
      .filter((o) => o.kind !== 'Secret' && !(o.kind === 'ConfigMap' && o.metadata.name === 'loadtest'))
      .filter((o) => /workshop-admin-token|workshop-alert-webhook-token|:workshop@/.test(JSON.stringify(o)))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(literal).toEqual([]);
    expect(readFileSync(join(CHART, 'values.yaml'), 'utf8')).toContain('WORKSHOP DEFAULTS ONLY');
  });

  it('prints the workshop-only warning and the port-forwards after an install (NOTES.txt, client-side dry run)', async () => {
    const notes = async (...args: string[]) => {
      const run = await exec(
        toolBinary('helm'),
        ['install', 'kit', CHART, '--namespace', 'p01', '--dry-run=client', ...args],
        undefined,
        {
          KUBECONFIG: join(tmpdir(), 'no-such-kubeconfig'),
        },
      );
      expect(run.code, run.output).toBe(0);
      return run.output.slice(run.output.indexOf('NOTES:'));
    };
    const full = await notes();
    expect(full).toContain('WORKSHOP DEFAULTS ONLY');
    expect(full).toContain('kubectl -n p01 port-forward svc/grafana 3100:3000');
    expect(full).toContain('svc/kibana 5601:5601');
    expect(await notes('--set', 'lite=true')).not.toContain('svc/kibana');
  });

  it('links files/<tool> to observability/<tool> and files/loadtest to loadtest/ (one source), and Helm follows the links', () => {
    for (const entry of readdirSync(join(CHART, 'files'))) {
      const link = join(CHART, 'files', entry);
      const target = entry === 'loadtest' ? 'loadtest' : `observability/${entry}`;
      expect(lstatSync(link).isSymbolicLink(), `${link} must be a link, not a copy`).toBe(true);
      expect(readlinkSync(link)).toBe(`../../../../${target}`);
      expect(realpathSync(link)).toBe(join(ROOT, target));
    }
    const loadtest = find(objectsOf(rendered.default!), 'ConfigMap', 'loadtest').data!;
    expect(loadtest['baseline.js']).toBe(readFileSync(join(ROOT, 'loadtest/baseline.js'), 'utf8'));
    expect(loadtest['lib-engine.js']).toBe(readFileSync(join(ROOT, 'loadtest/lib/engine.js'), 'utf8'));
  });

  it('renders the observability files byte for byte', () => {
    const objects = objectsOf(rendered.default!);
    const file = (path: string) => readFileSync(join(ROOT, 'observability', path), 'utf8');
    expect(find(objects, 'ConfigMap', 'alertmanager-config').data!['alertmanager.yml']).toBe(
      file('alertmanager/alertmanager.yml'),
    );
    expect(find(objects, 'ConfigMap', 'alertmanager-config').data!['notifications.tmpl']).toBe(
      file('alertmanager/templates/notifications.tmpl'),
    );
    expect(find(objects, 'Secret', 'alertmanager-secrets').stringData!['slack-webhook-url']).toBe(
      file('alertmanager/slack-webhook-url.example').trim(),
    );
    expect(find(objects, 'ConfigMap', 'jaeger-config').data!['config.yaml']).toBe(file('jaeger/config.yaml'));
    expect(find(objects, 'ConfigMap', 'grafana-provisioning').data!['datasources.yml']).toBe(
      file('grafana/provisioning/datasources/datasources.yml'),
    );
    expect(find(objects, 'ConfigMap', 'grafana-provisioning').data!['dashboards.yml']).toBe(
      file('grafana/provisioning/dashboards/dashboards.yml'),
    );
    for (const dashboard of readdirSync(join(ROOT, 'observability/grafana/dashboards'))) {
      expect(find(objects, 'ConfigMap', 'grafana-dashboards').data![dashboard], dashboard).toBe(
        file(`grafana/dashboards/${dashboard}`),
      );
    }
    for (const rules of readdirSync(join(ROOT, 'observability/prometheus/rules'))) {
      expect(find(objects, 'ConfigMap', 'prometheus-rules').data![rules], rules).toBe(
        file(`prometheus/rules/${rules}`),
      );
    }
    expect(find(objects, 'ConfigMap', 'postgres-init').data!['01-databases.sql']).toBe(
      file('postgres/init/01-databases.sql'),
    );
    expect(find(objects, 'ConfigMap', 'kibana-setup').data!['setup.sh']).toBe(file('kibana/setup.sh'));
    expect(find(objects, 'ConfigMap', 'log-collector').data!['index-template.json']).toBe(
      file('elasticsearch/index-template.json'),
    );
  });

  it("renders prometheus.yml as compose's, the four services' jobs finding every pod by DNS", () => {
    const original = parseYamlStrict<{
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[] }[] }[];
    }>(readFileSync(join(ROOT, 'observability/prometheus/prometheus.yml'), 'utf8'), 'prometheus.yml');
    const chart = parseYamlStrict<typeof original>(
      find(objectsOf(rendered.default!), 'ConfigMap', 'prometheus-config').data!['prometheus.yml']!,
      'rendered',
    );
    const expected = structuredClone(original);
    for (const job of expected.scrape_configs) {
      if (!(SERVICES as readonly string[]).includes(job.job_name)) continue;
      // compose resolves the service name to every replica; the chart's headless <name>-pods Service does that.
      for (const sd of job.dns_sd_configs!) sd.names = sd.names.map((name) => `${name}-pods`);
    }
    expect(chart).toEqual(expected);
    const objects = objectsOf(rendered.default!);
    for (const s of SERVICES) expect(find(objects, 'Service', `${s}-pods`).spec.clusterIP).toBe('None');
  });

  it('packages the linked files into the chart archive', async () => {
    const out = mkdtempSync(join(tmpdir(), 'helm-package-'));
    try {
      const run = await helm('package', CHART, '--destination', out);
      expect(run.code, run.output).toBe(0);
      const archive = join(
        out,
        readdirSync(out).find((f) => f.endsWith('.tgz'))!,
      );
      const list = await exec('tar', ['-tzf', archive]);
      expect(list.output).toContain('workshop-kit/files/prometheus/rules/alerts.yml');
      expect(list.output).toContain('workshop-kit/files/grafana/dashboards/home.json');
      expect(list.output).not.toContain('files/prometheus/tests/');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/** What one release reserves: Deployments (replicas x containers, or the largest init container) and, per node, DaemonSets. */
function reserved(manifests: string) {
  const quantity = (q: string | undefined) => {
    const m = /^(\d+)(Mi|Gi|m)?$/.exec(q ?? '0');
    if (!m) throw new Error(`unexpected quantity ${q}`);
    return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
  };
  type Container = { resources: { requests: Record<string, string> } };
  const pod = (spec: { containers: Container[]; initContainers?: Container[] }, key: string) =>
    Math.max(
      spec.containers.reduce((sum, c) => sum + quantity(c.resources.requests[key]), 0),
      ...(spec.initContainers ?? []).map((c) => quantity(c.resources.requests[key])),
    );
  const total = { memory: 0, cpu: 0, nodeMemory: 0, nodeCpu: 0 };
  for (const o of objectsOf(manifests)) {
    if (o.kind === 'Deployment') {
      total.memory += (o.spec.replicas ?? 1) * pod(o.spec.template.spec, 'memory');
      total.cpu += (o.spec.replicas ?? 1) * pod(o.spec.template.spec, 'cpu');
    } else if (o.kind === 'DaemonSet') {
      total.nodeMemory += pod(o.spec.template.spec, 'memory');
      total.nodeCpu += pod(o.spec.template.spec, 'cpu');
    }
  }
  return total;
}

describe('the classroom', () => {
  it.each(['en', 'ko'])('docs/workshop/%s/classroom-kubernetes.md states what one participant reserves', (language) => {
    const page = readFileSync(join(ROOT, `docs/workshop/${language}/classroom-kubernetes.md`), 'utf8');
    const rows = page.split('\n').filter((line) => /^\| .*MiB/.test(line));
    const expected = ['classroom', 'classroom with the log pipeline and an ingress', 'default', 'lite'].map((name) => {
      const r = reserved(rendered[name]!);
      return [`${r.memory} MiB`, `${r.cpu}m`, ...(r.nodeMemory ? [`${r.nodeMemory} MiB`, `${r.nodeCpu}m`] : [])];
    });
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      for (const figure of expected[i]!) expect(row, `row ${i + 1}`).toContain(figure);
      if (expected[i]!.length === 2) expect(row).not.toMatch(/per node|노드당/);
    });
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'classroom-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders one valid release per participant namespace, p01..pNN', async () => {
    const run = await exec(
      process.execPath,
      ['deploy/helm/classroom.mjs', 'render', '3', '--out', dir, '--ingress-domain', 'class.test'],
      undefined,
      {
        HELM: toolBinary('helm'),
      },
    );
    expect(run.code, run.output).toBe(0);
    for (const ns of ['p01', 'p02', 'p03']) {
      const manifests = readFileSync(join(dir, `${ns}.yaml`), 'utf8');
      const check = await validate(manifests);
      expect(check.code, check.output).toBe(0);
      const objects = objectsOf(manifests);
      expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set([ns]));
      const hosts = find(objects, 'Ingress', 'workshop').spec.rules.map((r: { host: string }) => r.host);
      expect(hosts).toContain(`grafana.${ns}.class.test`);
      expect(hosts).not.toContain(`kibana.${ns}.class.test`);
    }
  });

  it('names participants p01..pNN and refuses a count it cannot mean', () => {
    expect(participants('3')).toEqual(['p01', 'p02', 'p03']);
    expect(participants('2', 99)).toEqual(['p99', 'p100']);
    expect(participants('p07')).toEqual(['p07']);
    expect(() => participants('zero')).toThrow(/1\.\.500/);
  });

  it("forwards the chart's UIs on compose's host ports, the ones the alert and runbook links use", () => {
    const script = portForwardScript('p02', { full: true });
    expect(script).toContain('kubectl -n p02 port-forward svc/grafana 3100:3000');
    expect(script).toContain('kubectl -n p02 port-forward svc/kibana 5601:5601');
    expect(Object.keys(VALUES.ingress.hosts).sort()).toEqual(UIS.map((u) => u.ui).sort());
    for (const u of UIS) expect(VALUES.ingress.hosts[u.ui]).toEqual({ service: u.service, port: u.port });
  });
});
