import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describe(error: ValidationError, raw: Record<string, unknown>): string {
  const value = raw[error.property];
  const got = value === undefined || value === '' ? 'unset' : `got ${JSON.stringify(value)}`;
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${reasons} (${got})`;
}

/**
 * Builds the `validate` function for `ConfigModule.forRoot`: converts the raw
 * environment into an instance of `schema` and throws one error naming every
 * variable that is missing or malformed, so the service stops at boot.
 */
export function createEnvValidator<T extends object>(schema: new () => T) {
  return (raw: Record<string, unknown>): T => {
    const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
    const env = plainToInstance(schema, cleaned, { enableImplicitConversion: true });
    const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
    if (errors.length > 0) throw new InvalidEnvironmentError(errors.map((e) => describe(e, raw)));
    return env;
  };
}
