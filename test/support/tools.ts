import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { type ToolName, findTool } from '../../scripts/ci/tools.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The servers and CLIs the config and integration tests run (Prometheus, promtool, Alertmanager, amtool,
 * Mailpit, Jaeger) are the versions compose runs, built from tools/go.mod by `node scripts/ci/tools.mjs`:
 * never whatever happens to be on PATH.
 */
export { type ToolName, findTool as toolBinary };

export interface ToolRun {
  code: number;
  /** stdout, then stderr. */
  output: string;
  /** The command line, for failure messages. */
  command: string;
}

/** Runs a tool to completion; a non-zero exit is a result, not a rejection. */
export function runTool(
  name: ToolName,
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<ToolRun> {
  const bin = findTool(name);
  return new Promise((done) =>
    execFile(bin, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) =>
      done({
        code: error ? Number(error.code ?? 1) : 0,
        output: `${stdout}${stderr}`,
        command: `$ ${name} ${args.join(' ')}`,
      }),
    ),
  );
}

/** promtool in the repository root, its output led by the command line (for failure messages). */
export async function promtool(...args: string[]): Promise<ToolRun> {
  const run = await runTool('promtool', args, { cwd: ROOT });
  return { ...run, output: `${run.command}\n${run.output}` };
}
