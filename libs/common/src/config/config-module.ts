import { ConfigModule } from '@nestjs/config';
import { createEnvValidator } from './validate-env.js';

export type EnvSource = Record<string, string | undefined>;

/**
 * The app's ConfigModule: validates `env` (process.env in production, an
 * explicit object in tests) against `schema` and serves only the validated
 * values, so several apps can boot in one test process without sharing config.
 */
export function configModuleFor<T extends object>(schema: new () => T, env: EnvSource) {
  return ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: true,
    ignoreEnvVars: true,
    skipProcessEnv: true,
    validate: () => createEnvValidator(schema)(env),
  });
}
