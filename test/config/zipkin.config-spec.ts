import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { zipkinJar, zipkinVersion } from '../../scripts/ci/zipkin.mjs';
import { composeConfig, composeRun } from '../support/compose-config.js';
import {
  endpointsIn,
  exposedPorts,
  healthcheckTest,
  mebibytes,
  publishedPorts,
  readDotEnv,
} from './support/compose.js';

// A contract over the opt-in Zipkin overlay, merged the way compose merges it: over the full stack and
// over the lite one. Zipkin itself runs for real in test/integration/zipkin.int-spec.ts (same release).
const ROOT = resolve(import.meta.dirname, '../..');
const at = (path: string) => join(ROOT, path);
const COMPOSE = at('docker-compose.yml');
const LITE = at('docker-compose.lite.yml');
const ZIPKIN = at('docker-compose.zipkin.yml');
const ENV = readDotEnv(at('.env'));
const APPS = ['gateway', 'order', 'payment', 'notification'];
/** Zipkin's HTTP port in the image (QUERY_PORT's default): UI, API and /health. */
const ZIPKIN_PORT = 9411;

const FILES = { full: [COMPOSE, ZIPKIN], lite: [COMPOSE, LITE, ZIPKIN] };
const BASE = composeConfig([COMPOSE]);
const STACKS = { full: composeConfig(FILES.full), lite: composeConfig(FILES.lite) };

const zipkinOf = (name: keyof typeof STACKS) => STACKS[name].services.zipkin!;

describe('docker-compose.zipkin.yml', () => {
  it('is opt in: without the overlay there is no Zipkin and no second exporter', () => {
    expect(BASE.services.zipkin).toBeUndefined();
    for (const app of APPS) expect(BASE.services[app]!.environment?.OTEL_TRACES_EXPORTER, app).toBeUndefined();
  });

  it.each(Object.keys(STACKS))('merges over the %s stack without an unset variable', (name) => {
    const run = composeRun(FILES[name as keyof typeof FILES]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/variable is not set/);
    expect(zipkinOf(name as keyof typeof STACKS)).toBeDefined();
  });

  it('names how to start it in its header', () => {
    const header = readFileSync(ZIPKIN, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join('\n');
    expect(header).toContain('docker compose -f docker-compose.yml -f docker-compose.zipkin.yml up -d');
    expect(header).toContain('-f docker-compose.lite.yml -f docker-compose.zipkin.yml');
  });

  describe('the zipkin service', () => {
    const zipkin = zipkinOf('full');

    it('runs the image pinned in .env, the release CI runs as a jar', () => {
      const raw = readFileSync(ZIPKIN, 'utf8');
      expect(raw).toMatch(/image: \$\{ZIPKIN_IMAGE:\?[^}]+\}/);
      expect(ENV.ZIPKIN_IMAGE).toMatch(/^openzipkin\/zipkin:\d+\.\d+\.\d+$/);
      expect(zipkin.image).toBe(ENV.ZIPKIN_IMAGE);
      // One source of truth: scripts/ci/zipkin.mjs derives the Maven artifact from the same tag.
      expect(zipkinVersion()).toBe(ENV.ZIPKIN_IMAGE!.split(':')[1]);
      expect(zipkinJar()).toContain(
        `/io/zipkin/zipkin-server/${zipkinVersion()}/zipkin-server-${zipkinVersion()}-exec.jar`,
      );
    });

    it('has a memory limit above its fixed heap', () => {
      const limit = mebibytes(zipkin.deploy?.resources?.limits?.memory ?? NaN);
      const opts = String(zipkin.environment?.JAVA_OPTS ?? '');
      const heap = /-Xmx(\d+[kmg])\b/i.exec(opts)?.[1];
      expect(heap, 'JAVA_OPTS fixes the heap (-Xmx)').toBeDefined();
      expect(opts).toContain('-XX:+ExitOnOutOfMemoryError');
      // Metaspace, code cache, thread stacks and direct buffers come on top of the heap: 208 MiB at the measured peak.
      expect(limit).toBeGreaterThanOrEqual(mebibytes(heap!) + 208);
      expect(limit).toBeLessThanOrEqual(512);
    });

    it('keeps spans in memory, bounded to what the heap holds', () => {
      expect(zipkin.environment?.STORAGE_TYPE).toBe('mem');
      const heap = mebibytes(/-Xmx(\d+[kmg])\b/i.exec(String(zipkin.environment?.JAVA_OPTS))?.[1] ?? NaN);
      // Measured: 20 000 spans fit a 128 MiB heap; 65 000 ended in OutOfMemoryError.
      expect(Number(zipkin.environment?.MEM_MAX_SPANS)).toBeGreaterThan(0);
      expect(Number(zipkin.environment?.MEM_MAX_SPANS)).toBeLessThanOrEqual((heap / 128) * 20_000);
    });

    it("is health-checked with busybox wget (the Alpine image's own probe tool) on /health", () => {
      const argv = healthcheckTest(zipkin);
      expect(argv?.slice(0, 2)).toEqual(['CMD', 'wget']);
      const [endpoint] = endpointsIn(argv!.join(' '), 'healthcheck');
      expect(endpoint).toMatchObject({ host: '127.0.0.1', port: ZIPKIN_PORT });
      expect(argv!.at(-1)).toMatch(/\/health$/);
      expect(zipkin.environment?.QUERY_PORT ?? ZIPKIN_PORT).toBe(ZIPKIN_PORT);
    });

    it('publishes the UI on 127.0.0.1 only, on ZIPKIN_HOST_PORT from .env', () => {
      const ports = (zipkin.ports ?? []).map((p) => ({
        hostIp: p.host_ip,
        hostPort: Number(p.published),
        containerPort: p.target,
      }));
      expect(ports).toEqual([
        { hostIp: '127.0.0.1', hostPort: Number(ENV.ZIPKIN_HOST_PORT), containerPort: ZIPKIN_PORT },
      ]);
      expect(ENV.ZIPKIN_HOST_PORT).toBe('9411');
      expect(publishedPorts(zipkin).get(Number(ENV.ZIPKIN_HOST_PORT))).toBe(ZIPKIN_PORT);
    });

    it('logs to rotated local files in both stacks (no Fluentd in the lite one)', () => {
      for (const name of Object.keys(STACKS) as (keyof typeof STACKS)[]) {
        expect(zipkinOf(name).logging).toEqual({
          driver: 'json-file',
          options: { 'max-size': '10m', 'max-file': '3' },
        });
      }
    });
  });

  describe('the four services', () => {
    it.each(APPS)('%s exports over OTLP to Jaeger as well as to Zipkin', (app) => {
      for (const stack of Object.values(STACKS)) {
        const env = stack.services[app]!.environment ?? {};
        expect(String(env.OTEL_TRACES_EXPORTER).split(',')).toEqual(['otlp', 'zipkin']);
        // Unchanged from docker-compose.yml: the overlay adds, it does not redirect.
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(BASE.services[app]!.environment?.OTEL_EXPORTER_OTLP_ENDPOINT);
        const url = new URL(String(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT));
        expect(url.pathname).toBe('/api/v2/spans');
        expect(url.hostname).toBe('zipkin');
        // The host:port is the zipkin service and a port it serves inside the network.
        expect(exposedPorts(stack.services.zipkin!)).toContain(Number(url.port));
      }
    });

    it('do not wait for Zipkin (a missing collector drops spans, never requests)', () => {
      for (const app of APPS) {
        const deps = STACKS.full.services[app]!.depends_on ?? {};
        expect(Object.keys(deps), app).not.toContain('zipkin');
      }
    });
  });
});
