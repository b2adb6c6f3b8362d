import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeConfig } from '../support/compose-config.js';

// The fault CLI without Node on the host: compose's on-demand service `fault`, as Docker Compose reads
// it (compose-go, every profile on). test/cli/fault-container.e2e-spec.ts runs it from the same mounts.
const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/fault.mjs');

describe('compose service fault (docker compose run --rm fault <command>)', () => {
  const project = composeConfig();
  const fault = project.services.fault!;
  const gateway = project.services.gateway! as { build?: { args?: Record<string, string> } };
  const binds = (fault.volumes ?? []).filter((v) => v.type === 'bind');
  const mountOf = (file: string) => binds.find((v) => v.source === file);

  it('is a valid service of the Compose Specification (compose-go loads the file)', () => {
    expect(Object.keys(project.services)).toEqual(expect.arrayContaining(['fault', 'gateway', 'k6']));
  });

  it('runs only on demand, once: a profile of its own (which `run` starts by itself), no restart', () => {
    expect(fault.profiles).toEqual(['fault']);
    expect(fault.restart).toBe('no');
  });

  it('runs in the Node image the services are built from, as the unprivileged node user', () => {
    expect(fault.image).toBe(gateway.build?.args?.NODE_IMAGE);
    expect(fault.image).toMatch(/^node:24\.\d+\.\d+/);
    expect(fault.user).toBe('node');
  });

  it('starts scripts/fault.mjs, mounted read-only, so arguments after the service name are CLI commands', () => {
    const script = mountOf(SCRIPT);
    expect(script, 'scripts/fault.mjs is mounted').toBeDefined();
    expect(script!.read_only).toBe(true);
    expect(fault.entrypoint).toEqual(['node', script!.target]);
  });

  it('mounts every file the script imports by a relative path where the import resolves, read-only', () => {
    const target = mountOf(SCRIPT)!.target;
    const imports = [
      ...readFileSync(SCRIPT, 'utf8').matchAll(/import\(\s*'(\.{1,2}\/[^']+)'\s*\)|from\s+'(\.{1,2}\/[^']+)'/g),
    ].map((m) => m[1] ?? m[2]!);
    expect(imports, 'scripts/fault.mjs imports the catalogue and the admin API client').toEqual(
      expect.arrayContaining(['../libs/faults/src/catalogue.ts', '../libs/faults/src/client/fault-client.ts']),
    );
    for (const spec of imports) {
      const inContainer = posix.resolve(posix.dirname(target), spec);
      const mount = binds.find((v) => v.target === inContainer);
      expect(mount, `${spec} → ${inContainer} is not mounted`).toBeDefined();
      expect(mount!.source).toBe(resolve(ROOT, 'scripts', spec));
      expect(mount!.read_only).toBe(true);
      expect(readFileSync(mount!.source, 'utf8'), `${spec} imports nothing further`).not.toMatch(
        /^\s*import\s+(?!type\b)[^;]*from\s+'/m,
      );
    }
  });

  it('mounts nothing else', () => {
    expect(binds.map((v) => v.source).sort()).toEqual([
      join(ROOT, 'libs/faults/src/catalogue.ts'),
      join(ROOT, 'libs/faults/src/client/fault-client.ts'),
      SCRIPT,
    ]);
  });
});
