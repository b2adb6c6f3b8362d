import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import type { BaseEnv } from './base-env.js';

/** The class of `env` and each class it extends: OrderEnv, MessagingEnv, DataEnv, BaseEnv. */
function envClassesOf(env: BaseEnv): Type<BaseEnv>[] {
  const classes: Type<BaseEnv>[] = [];
  for (let proto = Object.getPrototypeOf(env); proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    classes.push(proto.constructor);
  }
  return classes;
}

/**
 * Serves the service's validated config to every module, typed: a provider
 * asks for its app's class (`constructor(env: OrderEnv)`), a library for the
 * class it needs (`DataEnv`), and all get the one instance `validateEnv`
 * returned. A library asking for a class the app's config does not extend
 * fails the boot with Nest's "can't resolve dependencies" error.
 */
@Module({})
export class EnvModule {
  static forRoot(env: BaseEnv): DynamicModule {
    const classes = envClassesOf(env);
    const providers: Provider[] = classes.map((provide) => ({ provide, useValue: env }));
    return { module: EnvModule, global: true, providers, exports: classes };
  }
}
