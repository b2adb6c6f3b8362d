import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'load-cli-'));
// The runs see a PATH of this dir (when k6 should be found) and Node's own, so the stand-in names sleep by its path.
const SLEEP = execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim();
// A stand-in for k6 on PATH: records its arguments and each SIGINT; interrupted, it exits 105 as k6 does.
writeFileSync(
  join(dir, 'k6'),
  `#!/bin/sh
echo "$@" > "${dir}/args"
trap 'echo INT >> "${dir}/signals"; exit 105' INT
i=0; while [ $i -lt 30 ]; do ${SLEEP} 0.1; i=$((i+1)); done
exit 99
`,
);
chmodSync(join(dir, 'k6'), 0o755);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(...argv: string[]) {
  return loadWith({ k6OnPath: true }, ...argv);
}

function loadWith({ k6OnPath }: { k6OnPath: boolean }, ...argv: string[]) {
  rmSync(join(dir, 'args'), { force: true });
  rmSync(join(dir, 'signals'), { force: true });
  const child = spawn(process.execPath, ['scripts/load.mjs', ...argv], {
    cwd: ROOT,
    // Nothing listens on port 9 (discard): the Node engine's requests fail at once.
    env: { PATH: `${k6OnPath ? `${dir}:` : ''}${dirname(process.execPath)}`, GATEWAY_URL: 'http://127.0.0.1:9' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}

/** Waits for the engine's one line on stderr, then stops the run. */
async function engineLine(run: ReturnType<typeof loadWith>): Promise<string> {
  for (let i = 0; i < 200 && !run.stderr().includes('\n'); i++) await sleep(25);
  run.child.kill('SIGKILL');
  await run.exited;
  return run.stderr().split('\n')[0] ?? '';
}

async function started() {
  for (let i = 0; i < 100 && !existsSync(join(dir, 'args')); i++) await sleep(50);
  await sleep(100); // the trap is set once args is written
}

describe('npm run load chooses its engine (scripts/load.mjs)', () => {
  it('hands the script to a k6 found on PATH when no engine is named, with its exit code', async () => {
    const { exited } = load('smoke', '-e', 'LOAD_RATE=3');
    await started();
    expect(await exited).toBe(99);
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
      `run -e LOAD_RATE=3 ${join(ROOT, 'loadtest/smoke.js')}`,
    );
  }, 20_000);

  it('runs the Node engine without k6 on PATH and says so in one line', async () => {
    const line = await engineLine(loadWith({ k6OnPath: false }, 'smoke'));
    expect(line).toBe(
      'load: loadtest/smoke.js on the Node engine (loadtest/runner) (no k6 on PATH; install k6 to run it there, or choose with --engine k6|node)',
    );
    expect(existsSync(join(dir, 'args'))).toBe(false);
  }, 20_000);

  it('runs the Node engine when --engine node is given, even with k6 on PATH', async () => {
    const line = await engineLine(loadWith({ k6OnPath: true }, 'smoke', '--engine', 'node'));
    expect(line).toBe('load: loadtest/smoke.js on the Node engine (loadtest/runner)');
    expect(existsSync(join(dir, 'args'))).toBe(false);
  }, 20_000);

  it('refuses an unknown engine and --engine k6 without k6 on PATH, with exit code 2', async () => {
    const bogus = loadWith({ k6OnPath: true }, 'smoke', '--engine', 'deno');
    expect(await bogus.exited).toBe(2);
    expect(bogus.stderr()).toContain('--engine is k6 or node (got "deno")');
    const missing = loadWith({ k6OnPath: false }, 'smoke', '--engine', 'k6');
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toContain('k6 is not on PATH');
  }, 20_000);
});

describe('npm run load -- --k6 (scripts/load.mjs)', () => {
  it("passes the arguments on and exits with k6's code", async () => {
    const { exited } = load('smoke', '--k6', '-e', 'LOAD_RATE=3', '--summary-export', join(dir, 'out.json'));
    await started();
    expect(await exited).toBe(99);
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(
      `run -e LOAD_RATE=3 --summary-export ${join(dir, 'out.json')} ${join(ROOT, 'loadtest/smoke.js')}`,
    );
  }, 20_000);

  it("on Ctrl+C, hands k6 one SIGINT and exits with k6's 105, not Node's 130", async () => {
    const { child, exited } = load('smoke', '--k6');
    await started();
    child.kill('SIGINT');
    expect(await exited).toBe(105);
    expect(readFileSync(join(dir, 'signals'), 'utf8').trim().split('\n')).toEqual(['INT']);
  }, 20_000);
});
