import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'load-cli-'));
// A stand-in for k6 on PATH: records its arguments and each SIGINT; interrupted, it exits 105 as k6 does.
writeFileSync(
  join(dir, 'k6'),
  `#!/bin/sh
echo "$@" > "${dir}/args"
trap 'echo INT >> "${dir}/signals"; exit 105' INT
i=0; while [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
exit 99
`,
);
chmodSync(join(dir, 'k6'), 0o755);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(...argv: string[]) {
  rmSync(join(dir, 'args'), { force: true });
  rmSync(join(dir, 'signals'), { force: true });
  const child = spawn(process.execPath, ['scripts/load.mjs', ...argv], {
    cwd: ROOT,
    env: { PATH: `${dir}:${dirname(process.execPath)}:/usr/bin:/bin` },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited };
}

async function started() {
  for (let i = 0; i < 100 && !existsSync(join(dir, 'args')); i++) await sleep(50);
  await sleep(100); // the trap is set once args is written
}

describe('npm run load -- --k6 (scripts/load.mjs)', () => {
  it("passes the arguments on and exits with k6's code", async () => {
    const { exited } = load('smoke', '--k6', '-e', 'LOAD_RATE=3', '--summary-export', join(dir, 'out.json'));
    await started();
    expect(await exited).toBe(99);
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(`run -e LOAD_RATE=3 --summary-export ${join(dir, 'out.json')} ${join(ROOT, 'loadtest/smoke.js')}`);
  }, 20_000);

  it("on Ctrl+C, hands k6 one SIGINT and exits with k6's 105, not Node's 130", async () => {
    const { child, exited } = load('smoke', '--k6');
    await started();
    child.kill('SIGINT');
    expect(await exited).toBe(105);
    expect(readFileSync(join(dir, 'signals'), 'utf8').trim().split('\n')).toEqual(['INT']);
  }, 20_000);
});
