#!/usr/bin/env node
// A classroom on Kubernetes: one release of the workshop kit per participant, in namespaces p01..pNN.
// The trainer's guide is docs/workshop/en/classroom-kubernetes.md.
//
//   node deploy/helm/classroom.mjs install N [options]     install (or upgrade) p01..pNN, then print the URLs
//   node deploy/helm/classroom.mjs urls N [options]        print each participant's URLs again
//   node deploy/helm/classroom.mjs kubeconfigs N --out DIR one kubeconfig and port-forward script per participant
//   (N may be one participant's namespace, pNN, for every command)
//   node deploy/helm/classroom.mjs status N                ready pods per participant
//   node deploy/helm/classroom.mjs reset pNN               delete pNN and install it again with the same values
//   node deploy/helm/classroom.mjs uninstall N             delete every participant's namespace
//   node deploy/helm/classroom.mjs render N --out DIR      the manifests (helm template), no cluster needed
//
// Options: --full (the log pipeline: Elasticsearch, Kibana, Fluent Bit), --ingress-domain D (UIs at
// <ui>.pNN.D; a wildcard DNS record *.D to the ingress controller), --ingress-class C, --first K (start
// at pK), --set key=value and --values file (passed to helm), --duration 12h (kubeconfig tokens).
// HELM and KUBECONFIG/KUBECTL choose the binaries (default: helm and kubectl on PATH).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHART = join(HERE, 'workshop-kit');
const CLASSROOM_VALUES = join(HERE, 'values-classroom.yaml');
const RELEASE = 'kit';
const HELM = process.env.HELM ?? 'helm';
const KUBECTL = process.env.KUBECTL ?? 'kubectl';

/** The UIs, their Service and port, and the host port compose publishes them on (and port-forward uses). */
export const UIS = [
  { ui: 'gateway', service: 'gateway', port: 3000, local: 3000 },
  { ui: 'grafana', service: 'grafana', port: 3000, local: 3100 },
  { ui: 'prometheus', service: 'prometheus', port: 9090, local: 9090 },
  { ui: 'alertmanager', service: 'alertmanager', port: 9093, local: 9093 },
  { ui: 'jaeger', service: 'jaeger', port: 16686, local: 16686 },
  { ui: 'mailpit', service: 'mailpit', port: 8025, local: 8025 },
  { ui: 'rabbitmq', service: 'rabbitmq', port: 15672, local: 15672 },
  { ui: 'kibana', service: 'kibana', port: 5601, local: 5601, logs: true },
];

export function parseArgs(argv) {
  const [command, target, ...rest] = argv;
  const options = { command, target, full: false, first: 1, sets: [], values: [], duration: '12h' };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--full') options.full = true;
    else if (arg === '--ingress-domain') options.domain = value();
    else if (arg === '--ingress-class') options.ingressClass = value();
    else if (arg === '--first') options.first = Number(value());
    else if (arg === '--set') options.sets.push(value());
    else if (arg === '--values' || arg === '-f') options.values.push(value());
    else if (arg === '--out') options.out = value();
    else if (arg === '--duration') options.duration = value();
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

/** p01..pNN (two digits, three from p100 on); a single pNN stands for itself. */
export function participants(count, first = 1) {
  if (/^p\d{2,3}$/.test(String(count))) return [String(count)];
  const n = Number(count);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new Error(`the number of participants must be 1..500, not ${count}`);
  if (!Number.isInteger(first) || first < 1) throw new Error(`--first must be a positive integer`);
  return Array.from({ length: n }, (_, i) => `p${String(first + i).padStart(2, '0')}`);
}

/** The helm arguments of one participant's release (after `install`/`template` RELEASE CHART). */
export function helmValues(namespace, options) {
  const args = ['--namespace', namespace, '--values', CLASSROOM_VALUES];
  for (const file of options.values) args.push('--values', file);
  if (options.full) args.push('--set', 'lite=false');
  if (options.domain) {
    args.push('--set', 'ingress.enabled=true', '--set', `ingress.domain=${options.domain}`);
    if (options.ingressClass) args.push('--set', `ingress.className=${options.ingressClass}`);
    // The links Prometheus, Alertmanager, Grafana and Kibana build point at the participant's hosts.
    for (const ui of ['prometheus', 'alertmanager', 'grafana', 'kibana'])
      args.push('--set', `urls.${ui}=${uiUrl(ui, namespace, options)}`);
  }
  for (const set of options.sets) args.push('--set', set);
  return args;
}

function uiUrl(ui, namespace, options) {
  const entry = UIS.find((u) => u.ui === ui);
  return options.domain ? `http://${ui}.${namespace}.${options.domain}` : `http://localhost:${entry.local}`;
}

/** What to hand each participant. */
export function urlsText(namespaces, options) {
  const uis = UIS.filter((u) => options.full || !u.logs);
  const lines = [];
  for (const ns of namespaces) {
    lines.push(`${ns}:`);
    if (!options.domain)
      lines.push(`  sh ${ns}-port-forward.sh   (with ${ns}.kubeconfig; from \`classroom.mjs kubeconfigs\`)`);
    for (const u of uis) lines.push(`  ${u.ui.padEnd(13)}${uiUrl(u.ui, ns, options)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The port-forwards of one participant, on compose's host ports, so every link in the kit works. */
export function portForwardScript(namespace, options) {
  const uis = UIS.filter((u) => options.full || !u.logs);
  const lines = [
    '#!/bin/sh',
    `# The workshop's UIs of ${namespace} on localhost, at compose's ports. Stop with Ctrl-C.`,
    `export KUBECONFIG="\${KUBECONFIG:-$(dirname "$0")/${namespace}.kubeconfig}"`,
    "trap 'kill 0' INT TERM",
    ...uis.map((u) => `kubectl -n ${namespace} port-forward svc/${u.service} ${u.local}:${u.port} >/dev/null &`),
    `echo "Grafana: http://localhost:3100 (its home dashboard links the rest)"`,
    'wait',
  ];
  return `${lines.join('\n')}\n`;
}

function run(bin, args, opts = {}) {
  return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

function kubeconfigFor(namespace, token) {
  const cluster = JSON.parse(run(KUBECTL, ['config', 'view', '--minify', '--raw', '-o', 'json'])).clusters[0].cluster;
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'workshop', cluster }],
      users: [{ name: `participant-${namespace}`, user: { token } }],
      contexts: [{ name: namespace, context: { cluster: 'workshop', user: `participant-${namespace}`, namespace } }],
      'current-context': namespace,
    },
    null,
    2,
  );
}

function main(argv) {
  const options = parseArgs(argv);
  const list = () => participants(options.target, options.first);
  switch (options.command) {
    case 'install':
      for (const ns of list()) {
        process.stderr.write(`[classroom] ${ns}\n`);
        run(HELM, ['upgrade', '--install', RELEASE, CHART, '--create-namespace', ...helmValues(ns, options)], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      }
      process.stdout.write(urlsText(list(), options));
      return;
    case 'urls':
      process.stdout.write(urlsText(list(), options));
      return;
    case 'render':
    case 'kubeconfigs': {
      if (!options.out) throw new Error(`${options.command} needs --out DIR`);
      mkdirSync(options.out, { recursive: true });
      for (const ns of list()) {
        if (options.command === 'render') {
          writeFileSync(
            join(options.out, `${ns}.yaml`),
            run(HELM, ['template', RELEASE, CHART, ...helmValues(ns, options)]),
          );
        } else {
          const token = run(KUBECTL, [
            '-n',
            ns,
            'create',
            'token',
            'participant',
            `--duration=${options.duration}`,
          ]).trim();
          writeFileSync(join(options.out, `${ns}.kubeconfig`), kubeconfigFor(ns, token), { mode: 0o600 });
          writeFileSync(join(options.out, `${ns}-port-forward.sh`), portForwardScript(ns, options), { mode: 0o755 });
        }
      }
      process.stdout.write(`${options.out}: ${list().length} participant(s)\n`);
      return;
    }
    case 'status':
      for (const ns of list()) {
        const pods = run(KUBECTL, [
          '-n',
          ns,
          'get',
          'pods',
          '--no-headers',
          '-o',
          'custom-columns=READY:.status.containerStatuses[*].ready,PHASE:.status.phase',
        ]);
        const rows = pods.trim().split('\n').filter(Boolean);
        const ready = rows.filter((r) => /^true(,true)*\s+Running/.test(r.trim())).length;
        process.stdout.write(`${ns}: ${ready}/${rows.filter((r) => !/Succeeded/.test(r)).length} pods ready\n`);
      }
      return;
    case 'reset': {
      const ns = options.target;
      if (!/^p\d{2,3}$/.test(ns ?? '')) throw new Error(`reset takes one participant's namespace, e.g. p03`);
      // The values it was installed with (classroom file, --full, ingress): reinstalled as they were.
      const dir = mkdtempSync(join(tmpdir(), 'classroom-'));
      try {
        const values = join(dir, 'values.yaml');
        writeFileSync(values, run(HELM, ['get', 'values', RELEASE, '--namespace', ns, '--output', 'yaml']));
        run(KUBECTL, ['delete', 'namespace', ns, '--wait=true'], { stdio: ['ignore', 'inherit', 'inherit'] });
        run(HELM, ['install', RELEASE, CHART, '--namespace', ns, '--create-namespace', '--values', values], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      process.stdout.write(
        `${ns}: reinstalled, empty (databases, queues, metrics, traces, logs); same URLs, new ServiceAccount: \`kubeconfigs ${ns} --out DIR\` again\n`,
      );
      return;
    }
    case 'uninstall':
      for (const ns of list())
        run(KUBECTL, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
      return;
    default:
      throw new Error(
        'usage: classroom.mjs install|urls|kubeconfigs|status|reset|uninstall|render … (see the header of deploy/helm/classroom.mjs)',
      );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`classroom: ${error.message}\n`);
    process.exit(2);
  }
}
