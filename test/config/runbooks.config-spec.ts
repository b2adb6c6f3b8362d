import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/boot.js';
import { type Layout, composeConfig, layOut } from '../support/compose-config.js';
import { dashboards, panelsOf } from './support/grafana.js';
import { alertRules, filesIn, kebab } from './support/prometheus-rules.js';

// Every alert's runbook_url opens on the participant's laptop without internet: compose's `runbooks`
// service serves docs/runbooks on a 127.0.0.1 port, and the rules, the Alertmanager templates and
// Grafana's home dashboard link there. The server is started here from its compose layout (the
// mounts copied to the container's paths, its own command), and every link is fetched.
const ROOT = resolve(import.meta.dirname, '../..');
const RUNBOOKS_DIR = join(ROOT, 'docs/runbooks');
const ALERTS = alertRules(filesIn(join(ROOT, 'observability/prometheus/rules'), '.yml', '.yaml'));
const TEMPLATES = readFileSync(join(ROOT, 'observability/alertmanager/templates/notifications.tmpl'), 'utf8');

const runbooks = composeConfig().services.runbooks!;
const published = runbooks.ports?.find((p) => p.host_ip === '127.0.0.1');
const HOST = `http://localhost:${published?.published}`;

describe('the runbook links', () => {
  it('are served by compose service runbooks on a 127.0.0.1 port, from docs/runbooks, read-only', () => {
    expect(published, 'runbooks publishes a port on 127.0.0.1').toBeDefined();
    const docs = runbooks.volumes?.find((v) => v.source === RUNBOOKS_DIR);
    expect(docs?.read_only).toBe(true);
    expect(runbooks.environment?.RUNBOOKS_DIR).toBe(docs?.target);
    expect(String(published!.target)).toBe(String(runbooks.environment?.PORT));
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule] as const))(
    '%s links to its page in docs/runbooks, on that port',
    (_alert, rule) => {
      const url = new URL(rule.annotations?.runbook_url ?? '');
      expect(url.origin).toBe(HOST);
      expect(filesIn(RUNBOOKS_DIR, '.md').map((f) => basename(f))).toContain(url.pathname.slice(1));
    },
  );

  it('are what the alert email and Slack message link to', () => {
    expect(TEMPLATES).toContain('<a href="{{ .Annotations.runbook_url }}">Runbook</a>');
    expect(TEMPLATES).toContain('<{{ .Annotations.runbook_url }}|Runbook>');
  });

  it('open from Grafana’s home dashboard: each firing alert’s name links to its runbook', () => {
    const panel = panelsOf(dashboards().find((d) => d.uid === 'home')!).find(
      (p) => p.title === 'Alerts firing',
    ) as unknown as {
      fieldConfig: {
        overrides: { matcher: { options: string }; properties: { id: string; value: { url: string }[] }[] }[];
      };
    };
    const link = panel.fieldConfig.overrides
      .find((o) => o.matcher.options === 'alertname')
      ?.properties.find((p) => p.id === 'links')?.value[0];
    expect(link?.url).toBe(`${HOST}/alerts/\${__value.raw}`);
  });
});

describe('the runbooks server (observability/runbooks/serve.mjs), run as compose runs it', () => {
  let server: ChildProcess;
  let layout: Layout;
  let base: string;
  let port: number;
  const folder = mkdtempSync(join(tmpdir(), 'runbooks-'));
  const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
  const read = (name: string) => readFileSync(join(RUNBOOKS_DIR, name), 'utf8');

  beforeAll(async () => {
    layout = layOut(runbooks, folder);
    port = await freePort();
    const [node, ...args] = layout.argv;
    expect(node).toBe('node');
    server = spawn(process.execPath, args, {
      cwd: layout.cwd,
      env: { ...layout.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'pipe',
    });
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    while (
      (await fetch(`${base}/health`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > deadline || server.exitCode !== null)
        throw new Error(`the runbooks server did not answer on ${base}/health`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    server?.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule] as const))(
    'serves the runbook %s links to, as UTF-8 text',
    async (_alert, rule) => {
      const path = new URL(rule.annotations!.runbook_url!).pathname;
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe(read(path.slice(1)));
    },
  );

  it('serves the alert table (README.md) at /', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(read('README.md'));
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule] as const))(
    'redirects /alerts/%s to that alert’s runbook',
    async (alert, rule) => {
      const res = await get(`/alerts/${alert}`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(new URL(rule.annotations!.runbook_url!).pathname);
      expect(res.headers.get('location')).toBe(`/${kebab(alert)}.md`);
    },
  );

  it('answers 404 for anything but a runbook, also a path out of the folder, and 405 for other methods', async () => {
    for (const path of [
      '/no-such-alert.md',
      '/%2e%2e%2fpackage.json',
      '/..%2f..%2fscripts%2ffault.mjs',
      '/alerts/NoSuchAlert',
      '/alerts/none%20firing',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toMatch(/^no runbook .*; the runbooks: .*service-down\.md/);
    }
    expect((await get('/%E0%A4%A')).status).toBe(400);
    const post = await get('/service-down.md', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('passes its compose healthcheck while it serves', async () => {
    const [form, node, flag, script] = runbooks.healthcheck?.test ?? [];
    expect([form, node, flag]).toEqual(['CMD', 'node', '-e']);
    const probe = () =>
      new Promise<number>((done) =>
        execFile(process.execPath, ['-e', script!], { env: { PORT: String(port) }, timeout: 10_000 }, (e) =>
          done(e ? Number(e.code ?? 1) : 0),
        ),
      );
    expect(await probe()).toBe(0);
  });
});
