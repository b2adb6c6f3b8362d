// Compiles apps/, libs/ and the dev tooling's TypeScript (scripts/waterfall) to dist/ with SWC (decorator metadata, path aliases
// rewritten to relative ESM imports). Type checking is `npm run typecheck`.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    'node_modules/@swc/cli/bin/swc.js',
    'apps',
    'libs',
    'scripts/waterfall',
    '-d',
    'dist',
    '--config-file',
    '.swcrc',
    '--ignore',
    '**/*.spec.ts,**/*.fixture.ts,**/test/**',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
