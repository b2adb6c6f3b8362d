import { BadRequestException, Body, Controller, Get, Inject, Logger, Put, Query, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard.js';
import { PutFaultsDto } from './dto/put-faults.dto.js';
import { type ActiveFault, FaultSettingsError, faultsOf, resolveFault } from './fault-settings.js';
import { FaultRegistry } from './fault-registry.js';

interface FaultsView {
  service: string;
  /** In mystery mode the names are hidden unless `?reveal=true`. */
  active: ActiveFault[] | 'hidden';
  marker: string | null;
  available: { name: string; title: string; params: Record<string, unknown> }[];
}

/** GET/PUT /admin/faults on every service's own port (the gateway does not route it). */
@Controller('admin/faults')
@UseGuards(AdminTokenGuard)
export class FaultsController {
  private readonly logger = new Logger('Faults');

  constructor(@Inject(FaultRegistry) private readonly registry: FaultRegistry) {}

  @Get()
  get(@Query('reveal') reveal?: string): FaultsView {
    return this.view(reveal === 'true');
  }

  @Put()
  put(@Body() body: PutFaultsDto): FaultsView {
    const names = body.faults.map((f) => f.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) throw new BadRequestException({ message: `fault "${duplicate}" is listed twice`, field: 'faults' });
    let faults: ActiveFault[];
    try {
      faults = body.faults.map((f) => resolveFault(this.registry.service, f.name, f.params ?? {}));
    } catch (error) {
      if (error instanceof FaultSettingsError) throw new BadRequestException({ message: error.message, field: 'faults' });
      throw error;
    }
    const state = this.registry.set(faults, body.marker ?? null);
    this.logger.warn({
      msg: state.faults.length > 0 ? `faults switched on: ${this.registry.marker()}` : 'all faults switched off',
      faults: state.marker ? undefined : state.faults,
    });
    return this.view(false);
  }

  private view(reveal: boolean): FaultsView {
    const state = this.registry.state();
    return {
      service: state.service,
      active: state.marker && !reveal ? 'hidden' : state.faults,
      marker: state.marker,
      available: faultsOf(state.service).map((s) => ({ name: s.name, title: s.title, params: s.params })),
    };
  }
}
