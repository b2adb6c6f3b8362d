import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayEnv } from '../../apps/gateway/src/config/env.validation.js';
import { NotificationEnv } from '../../apps/notification/src/config/env.validation.js';
import { OrderEnv } from '../../apps/order/src/config/env.validation.js';
import { PaymentEnv } from '../../apps/payment/src/config/env.validation.js';
import { samplerFromEnv, skipsTransactionControl } from '../../libs/observability/src/telemetry/sampler.js';
import { type ConfiguredProject, composeConfig, composeRunWithout } from '../support/compose-config.js';
import { readDotEnv } from './support/compose.js';

/**
 * A service's defaults live in one place: the property initialisers of its env class
 * (apps/<name>/src/config/env.validation.ts). .env.example and docker-compose.yml repeat
 * them for people who read those files; these tests keep the copies equal to the code.
 * The Helm chart's values are tied to compose's by helm.config-spec.ts.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CLASSES = { gateway: GatewayEnv, order: OrderEnv, payment: PaymentEnv, notification: NotificationEnv };
type Service = keyof typeof CLASSES;
const SERVICES = Object.keys(CLASSES) as Service[];

/** Every variable the class validates, with its default (undefined: none). */
function variablesOf(service: Service): Map<string, unknown> {
  const schema = CLASSES[service];
  const instance = new schema() as unknown as Record<string, unknown>;
  const names = getMetadataStorage()
    .getTargetValidationMetadatas(schema, '', true, false)
    .map((m) => m.propertyName);
  return new Map([...new Set(names)].map((name) => [name, instance[name]]));
}

const VARIABLES = Object.fromEntries(SERVICES.map((s) => [s, variablesOf(s)])) as Record<Service, Map<string, unknown>>;
const ALL = new Set(SERVICES.flatMap((s) => [...VARIABLES[s].keys()]));

/** The default of `name` in the services that read it, written as an environment value ('' for none). */
const defaultsOf = (name: string) =>
  new Map(
    SERVICES.filter((s) => VARIABLES[s].has(name)).map((s) => [
      s,
      VARIABLES[s].get(name) === undefined ? '' : String(VARIABLES[s].get(name)),
    ]),
  );

interface Documented {
  name: string;
  value: string;
  /** The service whose section of .env.example the line is in, if it is a service's. */
  section?: Service;
  line: number;
}

/** `NAME=value` lines of .env.example, commented out or not, with the section they are in. */
function documentedInEnvExample(): Documented[] {
  let section: Service | undefined;
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .flatMap((text, i) => {
      const header = /^# -{4} (\w+)/.exec(text);
      if (header) section = SERVICES.find((s) => s === header[1]);
      const m = /^#? ?([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
      return m && ALL.has(m[1]!) ? [{ name: m[1]!, value: m[2]!, section, line: i + 1 }] : [];
    });
}

describe('the services’ defaults', () => {
  it('are set by the env classes themselves, so a service started with no variables gets them', () => {
    expect(VARIABLES.order.get('PAYMENT_TIMEOUT_MS')).toBe(5_000);
    expect(VARIABLES.gateway.get('PORT')).toBe(3000);
    expect(VARIABLES.notification.get('PORT')).toBe(3003);
    expect(VARIABLES.payment.get('DB_POOL_SIZE')).toBe(10);
  });

  it('.env.example names every variable a service reads', () => {
    const documented = new Set(documentedInEnvExample().map((d) => d.name));
    expect([...ALL].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('.env.example gives each variable the default the code has (in a service’s section, that service’s)', () => {
    const drift = documentedInEnvExample().flatMap(({ name, value, section, line }) => {
      const defaults = defaultsOf(name);
      if (section && defaults.has(section)) {
        const expected = defaults.get(section)!;
        return expected === '' || expected === value
          ? []
          : [`.env.example:${line} ${name}=${value}, ${section} defaults to ${expected}`];
      }
      const distinct = new Set(defaults.values());
      if (distinct.size > 1)
        return [
          `.env.example:${line} ${name} differs per service (${[...defaults].join(', ')}): document it in each service's section`,
        ];
      const [expected] = distinct;
      return expected === '' || expected === value
        ? []
        : [`.env.example:${line} ${name}=${value}, the code defaults to ${expected}`];
    });
    expect(drift).toEqual([]);
  });

  it('docker-compose.yml passes each service variable through with the default the code has', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const passed = [...text.matchAll(/^\s+([A-Z][A-Z0-9_]*): \$\{\1:-([^}]*)\}\s*$/gm)].filter((m) => ALL.has(m[1]!));
    expect(passed.map((m) => m[1])).toContain('PAYMENT_TIMEOUT_MS');
    const drift = passed.flatMap(([, name, value]) => {
      const distinct = new Set(defaultsOf(name!).values());
      return distinct.size === 1 && distinct.has(value!)
        ? []
        : [`${name}: compose default ${JSON.stringify(value)}, the code's ${[...distinct].join(' / ')}`];
    });
    expect(drift).toEqual([]);
  });
});

describe('the telemetry knobs in docker-compose.yml', () => {
  const environments = (project: ConfiguredProject) =>
    SERVICES.map((name) => [name, project.services[name]!.environment as NodeJS.ProcessEnv] as const);

  it('sample every trace and keep its transaction spans by default, in all four services', () => {
    for (const [name, env] of environments(composeConfig())) {
      expect(samplerFromEnv(env).toString(), name).toBe(
        'ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
      );
      expect(skipsTransactionControl(env), name).toBe(false);
    }
  });

  it('reach all four services from .env: a 10 % ratio and no transaction-control spans when asked', () => {
    const run = composeRunWithout(['docker-compose.yml'], {
      ...readDotEnv(join(ROOT, '.env')),
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      TRACE_TRANSACTION_CONTROL: 'false',
    });
    expect(run.project, run.stderr).toBeDefined();
    for (const [name, env] of environments(run.project!)) {
      expect(samplerFromEnv(env).toString(), name).toMatch(/^ParentBased\{root=TraceIdRatioBased\{0\.1\}/);
      expect(skipsTransactionControl(env), name).toBe(true);
    }
  });
});
