import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOOLS, moduleVersions, releaseOf } from '../../scripts/ci/tools.mjs';
import { readDotEnv } from './support/compose.js';
import { type ToolName, runTool } from '../support/tools.js';

/**
 * CI runs the servers compose runs: tools/go.mod pins each one's Go module (built by
 * `node scripts/ci/tools.mjs`), .env pins each one's image, and the two must name the same release.
 * Bump both together.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const ENV = readDotEnv(join(ROOT, '.env'));
const MODULES = moduleVersions();

/** The .env variable holding the image of each server CI builds from tools/go.mod. */
const IMAGES: Partial<Record<ToolName, string>> = {
  prometheus: 'PROMETHEUS_IMAGE',
  alertmanager: 'ALERTMANAGER_IMAGE',
  jaeger: 'JAEGER_IMAGE',
};

/** The release tools/go.mod builds for a tool (Prometheus' v0.314.0 module is release 3.14.0). */
const pinnedRelease = (name: ToolName) => {
  const { module } = TOOLS[name];
  const version = MODULES[module];
  if (!version) throw new Error(`tools/go.mod does not require ${module}`);
  return releaseOf(module, version);
};

/** The version in an image reference, without a leading v (prom/prometheus:v3.14.0 → 3.14.0). */
const imageTag = (image: string | undefined) => /:v?(\d+\.\d+\.\d+)$/.exec(image ?? '')?.[1];

describe('the versions CI builds (tools/go.mod) and the images compose runs (.env)', () => {
  it('reads module versions as releases the way their projects tag them', () => {
    expect(releaseOf('github.com/prometheus/prometheus', 'v0.314.0')).toBe('3.14.0');
    expect(releaseOf('github.com/prometheus/prometheus', 'v0.55.1')).toBe('0.55.1');
    expect(releaseOf('github.com/jaegertracing/jaeger', 'v1.75.0')).toBe('2.12.0');
    expect(releaseOf('github.com/prometheus/alertmanager', 'v0.34.0')).toBe('0.34.0');
  });

  it.each(Object.entries(IMAGES))('%s: the image tag in .env is the release tools/go.mod pins', (name, variable) => {
    const tag = imageTag(ENV[variable]);
    expect(tag, `${variable}=${ENV[variable]} has no x.y.z tag`).toBeDefined();
    expect(tag, `${variable}=${ENV[variable]} but tools/go.mod builds ${name} ${pinnedRelease(name as ToolName)}`).toBe(
      pinnedRelease(name as ToolName),
    );
  });

  // The binaries tests run (.tmp/tools.env, or $PROMETHEUS … when set) report the pinned release.
  it.each([
    ['prometheus', ['--version'], 'prometheus'],
    ['promtool', ['--version'], 'prometheus'],
    ['alertmanager', ['--version'], 'alertmanager'],
    ['amtool', ['--version'], 'alertmanager'],
  ] as const)('%s %s reports the pinned release', async (name, args, release) => {
    const run = await runTool(name, [...args], { timeoutMs: 20_000 });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(new RegExp(`\\bversion ${pinnedRelease(release).replaceAll('.', '\\.')}\\b`));
  });
});
