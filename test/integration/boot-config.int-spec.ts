import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './support/stack.js';

/**
 * A service's config at boot, as `npm run start:<name>` runs it: its env class is
 * validated once, before Nest starts, and is the only source of its defaults.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PRELOAD = join(ROOT, 'dist/libs/observability/src/telemetry/register.js');
const PORT = 26510;

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/** `node dist/apps/<name>/src/main.js` with only `env` (and PATH) in its environment. */
function start(name: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', PRELOAD, join(ROOT, `dist/apps/${name}/src/main.js`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', OTEL_SDK_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { child, stdout: '', stderr: '', exited: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout!.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return run;
}

let running: Run | undefined;
afterEach(async () => {
  if (running?.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
});

describe('a service’s config at boot', () => {
  it('stops a service with bad variables with one message naming each of them, before Nest logs a line', async () => {
    running = start('payment', {
      DATABASE_URL: 'mysql://shop:hunter2@db/payments',
      DB_POOL_SIZE: 'lots',
      PAYMENT_PROVIDER_LATENCY_MS: '-5',
    });
    expect(await running.exited).toBe(1);
    expect(running.stdout).toBe('');
    const lines = running.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('[payment] Invalid environment configuration:');
    expect(
      lines
        .slice(1)
        .map((l) => /^ {2}- ([A-Z_]+) /.exec(l)?.[1])
        .sort(),
    ).toEqual(['DATABASE_URL', 'DB_POOL_SIZE', 'PAYMENT_PROVIDER_LATENCY_MS']);
    expect(running.stderr).toContain('(got "mysql://shop:***@db/payments")');
    expect(running.stderr).not.toContain('hunter2');
  });

  it('starts a service given only its port with the defaults of its env class', async () => {
    const run = (running = start('gateway', { PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'production' }));
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${PORT}/health/live`)).ok,
      60_000,
      'the gateway to answer /health/live',
    );
    expect(run.stdout).toContain(`gateway listening on http://127.0.0.1:${PORT}`);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // SHUTDOWN_TIMEOUT_MS: the class's default, as .env.example documents it.
    expect(run.stdout).toContain('SIGTERM received: finishing in-flight work (at most 10000 ms)');
  });
});
