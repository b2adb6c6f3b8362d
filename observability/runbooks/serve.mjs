// Serves the runbooks (docs/runbooks/*.md) that every alert's runbook_url opens, so the links in
// Prometheus, Alertmanager, the alert emails and Slack work on a laptop without internet. Compose's
// `runbooks` service runs it in the pinned Node image (no dependencies, no build):
//
//   GET /                  README.md: the alert table and where to look
//   GET /<name>.md         that runbook, as it is in the repository
//   GET /alerts/<Alert>    302 to the alert's runbook, /<alert-in-kebab-case>.md (links that know only
//                          the alert's name: Grafana's home dashboard, table "Alerts firing")
//   GET /health            200 "ok" (the healthcheck)
//
// Markdown goes out as text/plain; charset=utf-8: every browser shows it in the tab (text/markdown is
// offered as a download by some). Only the names of files in the folder, read when asked, are served:
// no path is built from the request. Settings: RUNBOOKS_DIR (default: docs/runbooks beside this
// repository's layout), PORT (3300), HOST (0.0.0.0).
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const TEXT = 'text/plain; charset=utf-8';

/** `HighP95Latency` → `high-p95-latency`: how docs/runbooks names an alert's page. */
export const kebab = (alert) => alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** The request handler for the runbooks in `dir`. */
export function runbookHandler(dir) {
  return async (request, response) => {
    const send = (status, body, headers = {}) => {
      response.writeHead(status, {
        'content-type': TEXT,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
        ...headers,
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(405, 'only GET and HEAD\n', { allow: 'GET, HEAD' });
    const path = new URL(request.url ?? '/', 'http://runbooks').pathname;
    if (path === '/health') return send(200, 'ok\n');
    let wanted;
    try {
      wanted = path === '/' ? 'README.md' : decodeURIComponent(path.slice(1));
    } catch {
      return send(400, `not a file name: ${path}\n`);
    }
    const alert = /^alerts\/([A-Za-z0-9]+)$/.exec(wanted)?.[1];
    if (alert) wanted = `${kebab(alert)}.md`;
    try {
      const names = (await readdir(dir)).filter((name) => name.endsWith('.md'));
      if (alert && names.includes(wanted)) return send(302, `${wanted}\n`, { location: `/${wanted}` });
      if (!names.includes(wanted)) return send(404, `no runbook ${wanted}; the runbooks: ${names.join(', ')}\n`);
      return send(200, await readFile(resolve(dir, wanted)));
    } catch (error) {
      return send(500, `cannot read the runbooks in ${dir}: ${error.code ?? error.message}\n`);
    }
  };
}

/** Starts the server; resolves with it once it listens. */
export function serveRunbooks({ dir, port, host = '0.0.0.0' }) {
  const server = createServer(runbookHandler(dir));
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done(server));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.env.RUNBOOKS_DIR ?? resolve(import.meta.dirname, '../../docs/runbooks'));
  const server = await serveRunbooks({
    dir,
    port: Number(process.env.PORT ?? 3300),
    host: process.env.HOST ?? '0.0.0.0',
  });
  const { address, port } = server.address();
  process.stdout.write(`runbooks: serving ${dir} on http://${address}:${port}/\n`);
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));
}
