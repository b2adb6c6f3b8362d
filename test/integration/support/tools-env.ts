import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
/** What `node scripts/ci/tools.mjs` writes: NAME=path of each binary it built (tools/go.mod pins them). */
export const TOOLS_ENV = join(ROOT, '.tmp/tools.env');

/**
 * The path of a tool built by scripts/ci/tools.mjs: the variable itself (JAEGER=…), else its line in
 * .tmp/tools.env. Stop-gap until the suites share one reader of that file.
 */
export function toolBinary(variable: string, tool: string): string {
  const fromFile = existsSync(TOOLS_ENV)
    ? readFileSync(TOOLS_ENV, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${variable}=`))
        ?.slice(variable.length + 1)
    : undefined;
  const file = process.env[variable] || fromFile;
  if (!file || !existsSync(file)) {
    throw new Error(`${tool} not found (${variable}=${file ?? 'unset'}): run \`node scripts/ci/tools.mjs ${tool}\` first`);
  }
  return file;
}
