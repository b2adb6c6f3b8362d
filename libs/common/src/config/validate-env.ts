import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/** The raw variables a service is started with: process.env in production, an object in tests. */
export type EnvSource = Record<string, string | undefined>;

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|KEY)$/;

/** The rejected value as it may appear in a boot log: secrets by length only, URL passwords masked. */
export function printable(name: string, value: unknown): string {
  if (SECRET_NAME.test(name)) return `a value of ${String(value).length} characters`;
  const text = String(value);
  return JSON.stringify(text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/i, '$1***@'));
}

function describe(error: ValidationError, raw: Record<string, unknown>): string {
  const value = raw[error.property];
  const got = value === undefined || value === '' ? 'unset' : `got ${printable(error.property, value)}`;
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${reasons} (${got})`;
}

/**
 * Converts the raw environment into an instance of `schema` (its property
 * initialisers are the defaults; an empty variable counts as unset) and throws
 * one error naming every variable that is missing or malformed. Each app calls
 * it once, in `AppModule.forRoot`, so a bad variable stops the boot.
 */
export function validateEnv<T extends object>(schema: new () => T, raw: Record<string, unknown>): T {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const env = plainToInstance(schema, cleaned, { enableImplicitConversion: true });
  // whitelist: the rest of process.env (PATH, HOME, OTEL_*…) is not part of the service's config.
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: true });
  if (errors.length > 0) throw new InvalidEnvironmentError(errors.map((e) => describe(e, raw)));
  return env;
}
