import { type Scenario, type ServiceName, SCENARIOS, scenario } from './catalogue.js';

/** One switched-on fault with every parameter resolved (defaults filled in). */
export interface ActiveFault {
  name: string;
  params: Record<string, number>;
}

/** A fault or parameter the catalogue refuses; `field` names what is wrong (`name`, `params.latencyMs`), for a 400's field. */
export class FaultSettingsError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/**
 * Checks a requested fault against the catalogue: known name, acting in this
 * service, known parameters within their ranges. Returns it with defaults
 * filled in; throws FaultSettingsError with a message fit for a 400 answer.
 */
export function resolveFault(service: ServiceName, name: string, params: Record<string, unknown> = {}): ActiveFault {
  const entry: Scenario | undefined = scenario(name);
  if (!entry) {
    throw new FaultSettingsError(`unknown fault "${name}"; known: ${SCENARIOS.map((s) => s.name).join(', ')}`, 'name');
  }
  if (!(entry.services as readonly string[]).includes(service)) {
    throw new FaultSettingsError(
      `fault "${name}" acts in ${entry.services.join(', ')}, not in the ${service} service`,
      'name',
    );
  }
  const resolved: Record<string, number> = {};
  for (const key of Object.keys(params)) {
    if (!(key in entry.params)) {
      const known = Object.keys(entry.params).join(', ');
      throw new FaultSettingsError(
        `fault "${name}" has no parameter "${key}"${known ? `; it takes ${known}` : ''}`,
        `params.${key}`,
      );
    }
  }
  for (const [key, spec] of Object.entries(entry.params)) {
    const raw = params[key];
    const value = raw === undefined ? spec.default : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new FaultSettingsError(`${name}.${key} must be a number`, `params.${key}`);
    }
    if (value < spec.min || value > spec.max) {
      throw new FaultSettingsError(
        `${name}.${key} must be between ${spec.min} and ${spec.max} (${spec.unit}), got ${value}`,
        `params.${key}`,
      );
    }
    resolved[key] = value;
  }
  return { name, params: resolved };
}

/**
 * Parses the FAULTS variable: `name` or `name:key=value,key=value`, several
 * separated by `;` — e.g. `payment-latency:latencyMs=800;payment-errors`.
 * Faults of other services are ignored, so one value can be given to all four.
 */
export function parseFaultsEnv(service: ServiceName, value: string | undefined): ActiveFault[] {
  const faults: ActiveFault[] = [];
  for (const part of (value ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name = '', paramText = ''] = part.split(':', 2).map((p) => p.trim());
    const entry = scenario(name);
    if (entry && !(entry.services as readonly string[]).includes(service)) continue;
    const params: Record<string, string> = {};
    for (const pair of paramText
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new FaultSettingsError(`FAULTS: "${pair}" in "${part}" is not key=value`, 'FAULTS');
      params[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    faults.push(resolveFault(service, name, params));
  }
  return faults;
}

/** The scenarios a service takes part in. */
export function faultsOf(service: ServiceName): Scenario[] {
  return (SCENARIOS as readonly Scenario[]).filter((s) => (s.services as readonly string[]).includes(service));
}
