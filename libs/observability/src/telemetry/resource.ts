import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  envDetector,
  hostDetector,
  processDetector,
  type Resource,
  type ResourceDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { ATTR_DEPLOYMENT_ENVIRONMENT, ATTR_PROCESS_COMMAND_ARGS } from '@opentelemetry/semantic-conventions/incubating';

/** `node … dist/apps/order/src/main.js` is the order service. */
export function serviceNameFromEntry(entry: string): string | undefined {
  return /apps[\\/]([a-z-]+)[\\/]src[\\/]main\.[jt]s$/.exec(entry)?.[1];
}

/**
 * The kit's defaults, which every detector overrides: the SDK's own defaults
 * (telemetry.sdk.*, `unknown_service:node`), then the service name from the
 * entry file, the kit's version and NODE_ENV as the deployment environment.
 */
export function kitResource(serviceVersion: string, entry = process.argv[1] ?? ''): Resource {
  const defaults: Attributes = { [ATTR_SERVICE_VERSION]: serviceVersion };
  const name = serviceNameFromEntry(entry);
  if (name) defaults[ATTR_SERVICE_NAME] = name;
  // The older key (`deployment.environment=staging`) in OTEL_RESOURCE_ATTRIBUTES, read by the SDK's own
  // parser, already names the environment: a second, different one would only confuse a trace search.
  const fromUser = envDetector.detect().attributes ?? {};
  if (!(ATTR_DEPLOYMENT_ENVIRONMENT in fromUser)) {
    defaults[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = process.env.NODE_ENV ?? 'development';
  }
  return defaultResource().merge(resourceFromAttributes(defaults));
}

/**
 * The SDK's process detector without `process.command_args`: argv (and execArgv)
 * is whatever the person starting the service typed, a token included, and it
 * would ride on every export. pid, runtime, executable and `process.command`
 * (the entry file) stay.
 */
export const processDetectorWithoutArgs: ResourceDetector = {
  detect(config) {
    const attributes = { ...processDetector.detect(config).attributes };
    delete attributes[ATTR_PROCESS_COMMAND_ARGS];
    return { attributes };
  },
};

/**
 * The detectors, later ones winning: host (host.name is the container id under
 * compose), process, a service.instance.id per process (tells replicas apart),
 * and last the env detector, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
 * beat everything. OTEL_NODE_RESOURCE_DETECTORS, when set, is the user's choice:
 * undefined lets the SDK read it.
 */
export function resourceDetectors(env: NodeJS.ProcessEnv = process.env): ResourceDetector[] | undefined {
  if (env.OTEL_NODE_RESOURCE_DETECTORS) return undefined;
  return [hostDetector, processDetectorWithoutArgs, serviceInstanceIdDetector, envDetector];
}
