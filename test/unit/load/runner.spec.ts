import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'load-runner-'));
// A server that answers /slow after 5 s, anything else at once.
const server = createServer((req, res) => setTimeout(() => res.end('ok'), req.url === '/slow' ? 5000 : 0));
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const ONE_VU = `{ s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } }`;
const TEARDOWN = `export function teardown() { console.log('teardown ran'); }`;

let n = 0;
/**
 * Runs a script written on the spot as `npm run load -- <file> --engine node` does (in a child: the
 * engine's hooks map k6's modules there); returns its exit code, what it printed, its summary
 * data and how long it took.
 */
async function run(source: string) {
  const file = join(dir, `script-${n}.js`);
  const summary = join(dir, `summary-${n++}.json`);
  writeFileSync(file, source);
  const started = performance.now();
  const args = [
    'scripts/load.mjs',
    file,
    '--engine',
    'node',
    '--quiet',
    '--summary-export',
    summary,
    '-e',
    `BASE=${base}`,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exitCode = await new Promise<number | null>((r) => child.once('exit', r));
  const data = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : undefined;
  return { exitCode, log, data, seconds: (performance.now() - started) / 1000 };
}

describe('runScript()', () => {
  it("stops a setup past setupTimeout with k6's exit code 100, and runs no teardown after it", async () => {
    const { exitCode, log } = await run(`
      export const options = { setupTimeout: '200ms', scenarios: ${ONE_VU} };
      export async function setup() { await new Promise((r) => setTimeout(r, 5000)); }
      export default function () {}
      ${TEARDOWN}`);
    expect(exitCode).toBe(100);
    expect(log).toMatch(/setup\(\) execution timed out after 0.2 seconds/);
    expect(log).not.toContain('teardown ran');
  });

  it.each([
    ['an option k6 does not know', `{ vu: 2 }`, /option "vu" is not supported by the Node engine/],
    [
      'an option the engine lacks',
      `{ discardResponseBodies: true }`,
      /"discardResponseBodies" is not supported by the Node engine/,
    ],
    [
      'a duration without a unit',
      `{ scenarios: { s: { executor: 'constant-vus', duration: 10 } } }`,
      /duration: 10 has no unit \(k6 would read it as 10 ms\)/,
    ],
    [
      'an executor field k6 refuses',
      `{ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', rate: 2 } } }`,
      /unknown field "rate"/,
    ],
    [
      'an executor the scripts do not use',
      `{ scenarios: { s: { executor: 'ramping-vus', stages: [] } } }`,
      /"ramping-vus" is not supported by the Node engine .*run the script with k6/,
    ],
    [
      'a gauge threshold on max',
      `{ scenarios: ${ONE_VU}, thresholds: { queue: ['max<10'] } }`,
      /a gauge metric has no "max"/,
    ],
  ])('refuses %s before running anything (exit 104)', async (_, options, message) => {
    const { exitCode, log } = await run(
      `import { Gauge } from 'k6/metrics';\nnew Gauge('queue');\nexport const options = ${options};\nexport default function () {}\n`,
    );
    expect(exitCode).toBe(104);
    expect(log).toMatch(message);
  });

  it('refuses a k6 module it does not have, naming it (exit 107)', async () => {
    const { exitCode, log } = await run(
      `import exec from 'k6/execution';\nexport const options = { scenarios: ${ONE_VU} };\nexport default function () {}\n`,
    );
    expect(exitCode).toBe(107);
    expect(log).toMatch(/k6\/execution is not supported by the Node engine .*run the script with k6/);
  });

  it('puts options.tags on every sample, and tags requests as k6 does', async () => {
    const { exitCode, data } = await run(`
      import http from 'k6/http';
      export const options = { scenarios: ${ONE_VU}, tags: { testid: 'unit' } };
      export default async function () {
        await http.asyncRequest('GET', __ENV.BASE + '/x', null, { tags: { name: 'GET /x' } });
        await new Promise((r) => setTimeout(r, 200));
      }`);
    expect(exitCode).toBe(0);
    const series = data.node_engine.timeSeries as { metric: string; tags: Record<string, string> }[];
    for (const s of series) expect(s.tags.testid, s.metric).toBe('unit');
    expect(series.find((s) => s.metric === 'http_reqs')!.tags).toMatchObject({
      name: 'GET /x',
      url: 'GET /x',
      method: 'GET',
      status: '200',
      expected_response: 'true',
      scenario: 's',
    });
  });

  it('cuts off an iteration still running gracefulStop after the end, then runs teardown', async () => {
    const { exitCode, data, log, seconds } = await run(`
      import http from 'k6/http';
      export const options = { scenarios: ${ONE_VU} };
      export default async function () { await http.asyncRequest('GET', __ENV.BASE + '/slow'); }
      ${TEARDOWN}`);
    expect(exitCode).toBe(0);
    expect(seconds).toBeLessThan(3);
    expect(data.node_engine.iterationErrors).toBe(0);
    expect(data.metrics.iterations, 'no iteration completed').toBeUndefined();
    expect(log).toContain('teardown ran');
  });

  it('stops the run when an abortOnFail threshold is crossed (exit 99), and still runs teardown', async () => {
    const { exitCode, log, seconds } = await run(`
      import { check } from 'k6';
      export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 5, duration: '20s', preAllocatedVUs: 1 } }, thresholds: { checks: [{ threshold: 'rate==1', abortOnFail: true }] } };
      export default function () { check(null, { 'never true': () => false }); }
      ${TEARDOWN}`);
    expect(exitCode).toBe(99);
    expect(log).toMatch(/threshold 'rate==1' on checks crossed \(abortOnFail\)/);
    expect(seconds).toBeLessThan(10);
    expect(log).toContain('teardown ran');
  });
});
