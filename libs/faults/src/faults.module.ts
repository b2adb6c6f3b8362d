import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminTokenGuard } from './admin-token.guard.js';
import type { ServiceName } from './catalogue.js';
import { parseFaultsEnv } from './fault-settings.js';
import { FaultRegistry } from './fault-registry.js';
import { FaultsController } from './faults.controller.js';

/**
 * Runtime fault injection for the workshop's bottleneck scenarios: the
 * FaultRegistry (initial faults from FAULTS) that code asks where a fault
 * acts, and the admin API GET/PUT /admin/faults guarded by ADMIN_TOKEN.
 */
@Module({})
export class FaultsModule {
  static forRoot(options: { service: ServiceName }): DynamicModule {
    return {
      module: FaultsModule,
      global: true,
      controllers: [FaultsController],
      providers: [
        AdminTokenGuard,
        {
          provide: FaultRegistry,
          inject: [ConfigService],
          // A bad FAULTS value stops the boot with the reason, like any other invalid setting.
          useFactory: (config: ConfigService) =>
            new FaultRegistry(options.service, parseFaultsEnv(options.service, config.get<string>('FAULTS'))),
        },
      ],
      exports: [FaultRegistry],
    };
  }
}
