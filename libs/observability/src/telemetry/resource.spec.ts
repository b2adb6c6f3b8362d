import type { Attributes } from '@opentelemetry/api';
import { detectResources, type Resource } from '@opentelemetry/resources';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT,
  ATTR_HOST_NAME,
  ATTR_PROCESS_COMMAND_ARGS,
  ATTR_PROCESS_PID,
} from '@opentelemetry/semantic-conventions/incubating';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kitResource, resourceDetectors, serviceNameFromEntry } from './resource.js';

/** What NodeSDK.start() does with `resource` and `resourceDetectors`: the detected merged over the defaults. */
async function resolve(defaults: Resource): Promise<Resource> {
  const resource = defaults.merge(detectResources({ detectors: resourceDetectors() }));
  await resource.waitForAsyncAttributes?.();
  return resource;
}

/** The service's name, version and environment. */
const identity = (attributes: Attributes) =>
  [ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_DEPLOYMENT_ENVIRONMENT_NAME].map((key) => attributes[key]);

beforeEach(() => {
  for (const key of ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_NODE_RESOURCE_DETECTORS'])
    vi.stubEnv(key, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('serviceNameFromEntry()', () => {
  it('names the service after its folder under apps/', () => {
    expect(serviceNameFromEntry('/app/dist/apps/payment/src/main.js')).toBe('payment');
    expect(serviceNameFromEntry('dist/apps/gateway/src/main.js')).toBe('gateway');
    expect(serviceNameFromEntry('C:\\kit\\dist\\apps\\order\\src\\main.js')).toBe('order');
    expect(serviceNameFromEntry('apps/notification/src/main.ts')).toBe('notification');
  });

  it('names nothing for any other entry', () => {
    expect(serviceNameFromEntry('/usr/lib/node_modules/vitest/vitest.mjs')).toBeUndefined();
    expect(serviceNameFromEntry('dist/apps/payment/src/worker.js')).toBeUndefined();
    expect(serviceNameFromEntry('')).toBeUndefined();
  });
});

describe('kitResource() under the detectors', () => {
  it('fills in the service name from the entry, the kit’s version and NODE_ENV', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { attributes } = await resolve(kitResource('1.2.3', '/app/dist/apps/payment/src/main.js'));
    expect(identity(attributes)).toEqual(['payment', '1.2.3', 'production']);
    expect(attributes[ATTR_TELEMETRY_SDK_LANGUAGE]).toBe('nodejs');
    expect(attributes).not.toHaveProperty(ATTR_DEPLOYMENT_ENVIRONMENT);
  });

  it('calls the environment development when NODE_ENV is unset', async () => {
    vi.stubEnv('NODE_ENV', undefined);
    const { attributes } = await resolve(kitResource('1.2.3', 'dist/apps/order/src/main.js'));
    expect(attributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME]).toBe('development');
  });

  it('keeps the SDK’s unknown_service name when the entry is not a service', async () => {
    const { attributes } = await resolve(kitResource('1.2.3', '/tmp/script.js'));
    expect(attributes[ATTR_SERVICE_NAME]).toMatch(/^unknown_service/);
  });

  it('lets OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults and the other detectors', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('OTEL_SERVICE_NAME', 'custom');
    vi.stubEnv(
      'OTEL_RESOURCE_ATTRIBUTES',
      'service.name=ignored,service.version=9,deployment.environment.name=staging,host.name=box-1',
    );
    const { attributes } = await resolve(kitResource('1.2.3', 'dist/apps/order/src/main.js'));
    expect(identity(attributes)).toEqual(['custom', '9', 'staging']);
    expect(attributes[ATTR_HOST_NAME]).toBe('box-1');
  });

  it('adds no second environment when the user names it with the older deployment.environment key', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'deployment.environment=staging');
    const { attributes } = await resolve(kitResource('1.2.3', 'dist/apps/order/src/main.js'));
    expect(attributes[ATTR_DEPLOYMENT_ENVIRONMENT]).toBe('staging');
    expect(attributes).not.toHaveProperty(ATTR_DEPLOYMENT_ENVIRONMENT_NAME);
  });

  it('describes host and process, one instance id per process, but never the command line', async () => {
    const { attributes } = await resolve(kitResource('1.2.3', 'dist/apps/order/src/main.js'));
    expect(attributes[ATTR_HOST_NAME]).toBe(hostname());
    expect(attributes[ATTR_PROCESS_PID]).toBe(process.pid);
    expect(attributes[ATTR_SERVICE_INSTANCE_ID]).toMatch(/^[0-9a-f-]{36}$/);
    const again = await resolve(kitResource('1.2.3', 'dist/apps/order/src/main.js'));
    expect(again.attributes[ATTR_SERVICE_INSTANCE_ID]).toBe(attributes[ATTR_SERVICE_INSTANCE_ID]);
    expect(attributes).not.toHaveProperty(ATTR_PROCESS_COMMAND_ARGS);
  });

  it('leaves the detectors to the SDK when OTEL_NODE_RESOURCE_DETECTORS names them', () => {
    expect(resourceDetectors({ OTEL_NODE_RESOURCE_DETECTORS: 'env,host' })).toBeUndefined();
    expect(resourceDetectors({})?.length).toBeGreaterThan(0);
  });
});
