import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { runScript } from '../../../loadtest/runner/index.js';

const dir = mkdtempSync(join(tmpdir(), 'load-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs a script written on the spot; returns its exit code and what it logged. */
async function run(source: string) {
  const file = join(dir, `script-${n++}.js`);
  writeFileSync(file, source);
  const lines: string[] = [];
  const { exitCode, data } = await runScript(file, { quiet: true, out: () => {}, err: (s: string) => lines.push(s) });
  return { exitCode: exitCode as number, log: lines.join(''), data };
}

describe('runScript()', () => {
  it('stops a setup past setupTimeout with k6\'s exit code 100, and runs no teardown after it', async () => {
    const { exitCode, log } = await run(`
      export const options = { setupTimeout: '200ms', vus: 1, iterations: 1 };
      export async function setup() { await new Promise((r) => setTimeout(r, 5000)); }
      export default function () {}
      export function teardown() { globalThis.teardownRan = true; }
    `);
    expect(exitCode).toBe(100);
    expect(log).toMatch(/setup\(\) execution timed out after 0.2 seconds/);
    expect((globalThis as { teardownRan?: boolean }).teardownRan).toBeUndefined();
  });

  it.each([
    ['an option k6 does not know', `{ vu: 2 }`, /unknown option "vu"/],
    ['an option the engine lacks', `{ discardResponseBodies: true }`, /"discardResponseBodies" is not implemented/],
    ['a duration without a unit', `{ vus: 1, duration: 10 }`, /duration: 10 has no unit \(k6 would read it as 10 ms\)/],
    ['an executor field k6 refuses', `{ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', rate: 2 } } }`, /unknown field "rate"/],
    ['a gauge threshold on max', `{ iterations: 1, thresholds: { vus: ['max<10'] } }`, /a gauge metric has no "max"/],
  ])('refuses %s before running anything (exit 104)', async (_, options, message) => {
    const { exitCode, log } = await run(`export const options = ${options};\nexport default function () {}\n`);
    expect(exitCode).toBe(104);
    expect(log).toMatch(message);
  });

  it('puts options.tags on every sample', async () => {
    const { exitCode, data } = await run(`export const options = { iterations: 1, tags: { testid: 'unit' } };\nexport default function () {}\n`);
    expect(exitCode).toBe(0);
    const series = data.node_engine.timeSeries as { metric: string; tags: Record<string, string> }[];
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) expect(s.tags.testid, s.metric).toBe('unit');
  });
});
