import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { readOptions } from '../../../loadtest/runner/options.js';
// @ts-expect-error: plain ESM modules of the load scripts, without types
import { requestName } from '../../../loadtest/lib/names.js';

/** One scenario: the Node engine runs options.scenarios only. */
const scenarios = { s: { executor: 'constant-vus', vus: 1, duration: '1s' } };
const checkOptions = (options: object) => readOptions({ scenarios, ...options });

describe('readOptions()', () => {
  it('reads options.tags and the setup and teardown time limits (k6: 60 s each)', () => {
    expect(checkOptions({ tags: { testid: 'baseline' } })).toMatchObject({
      tags: { testid: 'baseline' },
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 60_000,
    });
    expect(checkOptions({ setupTimeout: '5m', teardownTimeout: '90s' })).toMatchObject({
      setupTimeoutMs: 300_000,
      teardownTimeoutMs: 90_000,
    });
  });

  it('refuses options without scenarios (k6 runs one iteration) rather than running something else', () => {
    expect(() => readOptions({})).toThrow(/options.scenarios is empty: the Node engine runs only scenarios/);
    expect(() => readOptions(undefined)).toThrow(/the script exports no options object/);
  });

  it('refuses a k6 option the Node engine does not run rather than ignoring it, saying to run k6', () => {
    expect(() => checkOptions({ discardResponseBodies: true })).toThrow(
      /option "discardResponseBodies" is not supported by the Node engine.*run the script with k6/,
    );
    expect(() => checkOptions({ vus: 2, duration: '10s' })).toThrow(/option "vus" is not supported/);
  });

  it('refuses an option k6 does not know (k6 only warns: a typo is a bug either way)', () => {
    expect(() => checkOptions({ threshold: {} })).toThrow(
      /option "threshold" is not supported by the Node engine \(it has scenarios, thresholds, .*\): a typo/,
    );
  });

  it('refuses a time limit without a unit (k6 reads 120 as 120 ms)', () => {
    expect(() => checkOptions({ setupTimeout: 120 })).toThrow(/options.setupTimeout: 120 has no unit/);
    expect(() => checkOptions({ teardownTimeout: '120' })).toThrow(/options.teardownTimeout: "120" has no unit/);
  });

  it('refuses tags that are not strings', () => {
    expect(() => checkOptions({ tags: { testid: 1 } })).toThrow(/options.tags must be an object of strings/);
  });
});

describe('requestName()', () => {
  it('is the method and the endpoint template: ids replaced, origin and query string dropped', () => {
    expect(requestName('GET', 'http://127.0.0.1:3000/api/orders/0b5c2f3e-1d2a-4c1b-9f3e-2a1b3c4d5e6f')).toBe(
      'GET /api/orders/{id}',
    );
    expect(requestName('GET', 'http://gateway:3000/api/orders?customerId=c-17&limit=20&include=notifications')).toBe(
      'GET /api/orders',
    );
    expect(requestName('GET', 'http://x/api/notifications?orderId=42')).toBe('GET /api/notifications');
    expect(requestName('post', 'http://x/api/orders')).toBe('POST /api/orders');
    expect(requestName('PUT', 'http://order:3001/admin/faults')).toBe('PUT /admin/faults');
    expect(requestName('PUT', 'http://order:3001/admin/faults/slow-query')).toBe('PUT /admin/faults/slow-query');
    expect(requestName('GET', 'http://x:1/admin/faults?reveal=true')).toBe('GET /admin/faults');
  });

  it('takes any segment that is not a plain lower-case word for an id', () => {
    expect(requestName('GET', 'http://x/api/orders/12345')).toBe('GET /api/orders/{id}');
    expect(requestName('GET', 'http://x/api/customers/c-17/orders')).toBe('GET /api/customers/{id}/orders');
    expect(requestName('GET', 'http://x/api/orders/ABC')).toBe('GET /api/orders/{id}');
    expect(requestName('GET', 'http://x')).toBe('GET /');
  });
});

describe('the load scripts', () => {
  const LOADTEST = resolve(import.meta.dirname, '../../../loadtest');
  const ROOT = resolve(LOADTEST, '..');
  const files = (dir: string) =>
    readdirSync(join(LOADTEST, dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => join(dir, f));
  const scripts = [...files(''), ...files('scenarios')];

  it('send every request through lib/engine.js, the one place that tags it with its name', () => {
    const importers = [...scripts, ...files('lib')].filter((f) =>
      /from 'k6\/http'/.test(readFileSync(join(LOADTEST, f), 'utf8')),
    );
    expect(importers).toEqual(['lib/engine.js']);
  });

  it("each declare options the Node engine accepts, every sample tagged with the script's name as its testid", () => {
    // In a child: the engine's hooks map k6's modules, and the scenario scripts import the catalogue (.ts).
    const source = `
      import { readOptions } from './loadtest/runner/options.js';
      await import('./loadtest/runner/index.js');
      const testids = {};
      for (const file of ${JSON.stringify(scripts)}) {
        const { options } = await import('./loadtest/' + file);
        readOptions(options);
        testids[file] = options.tags.testid;
      }
      console.log(JSON.stringify(testids));`;
    const testids = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', source], {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      }),
    );
    expect(Object.keys(testids)).toHaveLength(scripts.length);
    for (const file of scripts) expect(testids[file], file).toBe(basename(file, '.js'));
  });
});
