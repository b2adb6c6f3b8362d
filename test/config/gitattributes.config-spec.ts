import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What git itself decides for each path (git check-attr reads .gitattributes as git does),
// so a pattern that does not match, or a later line that overrides it, shows here.
const ROOT = resolve(import.meta.dirname, '../..');

function eolOf(paths: string[]): Record<string, string> {
  const out = execFileSync('git', ['check-attr', 'eol', '--', ...paths], { cwd: ROOT, encoding: 'utf8' });
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => /^(.*): eol: (.*)$/.exec(line)!)
      .map((m) => [m[1]!, m[2]!]),
  );
}

/** Read by a shell, a collector, a Go or Node tool inside a Linux container: a CR breaks each of them. */
const LF_ONLY = [
  'observability/kibana/setup.sh',
  'scripts/test-ci.sh',
  'observability/fluentd/fluent.conf',
  'observability/fluentd/Dockerfile',
  'Dockerfile',
  'docker-compose.yml',
  'observability/jaeger/config.yaml',
  'observability/elasticsearch/index-template.json',
  'observability/kibana/saved-objects.ndjson',
  '.env',
  '.env.example',
  'scripts/fault.mjs',
  'eslint.config.js',
  'vitest.config.ts',
];

describe('.gitattributes', () => {
  it('checks out observability/kibana/setup.sh with LF line endings', () => {
    expect(eolOf(['observability/kibana/setup.sh'])).toEqual({ 'observability/kibana/setup.sh': 'lf' });
  });

  it('checks out every script, config, Dockerfile and .env file with LF line endings', () => {
    const eol = eolOf(LF_ONLY);
    expect(LF_ONLY.filter((path) => eol[path] !== 'lf')).toEqual([]);
  });
});
