import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  Logger,
  Put,
  Query,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard.js';
import { PutFaultsDto } from './dto/put-faults.dto.js';
import { type ActiveFault, FaultSettingsError, faultsOf, resolveFault } from './fault-settings.js';
import { FaultRegistry, type FaultState } from './fault-registry.js';
import { FaultStoreError, FaultSync } from './fault-sync.js';
import { INSTANCE } from './instance.js';

interface FaultsView {
  service: string;
  /** The replica that answered (host/pid): with several replicas, each answers for itself. */
  instance: string;
  /** Where the faults are kept across restarts (the service's database, a file, or memory only). */
  store: string;
  /** In mystery mode the names are hidden unless `?reveal=true` (also where the mystery does not act). */
  active: ActiveFault[] | 'hidden';
  marker: string | null;
  available: { name: string; title: string; params: Record<string, unknown> }[];
}

/**
 * GET/PUT /admin/faults on every service's own port (the gateway does not
 * route it). A PUT is stored first, so it survives a restart and reaches
 * every replica of the service; if it cannot be stored, nothing changes (503).
 */
@Controller('admin/faults')
@UseGuards(AdminTokenGuard)
export class FaultsController {
  private readonly logger = new Logger('Faults');

  constructor(
    @Inject(FaultRegistry) private readonly registry: FaultRegistry,
    @Inject(FaultSync) private readonly sync: FaultSync,
  ) {}

  @Get()
  get(@Query('reveal') reveal?: string): FaultsView {
    return this.view(reveal === 'true');
  }

  @Put()
  async put(@Body() body: PutFaultsDto): Promise<FaultsView> {
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
    let state: FaultState;
    try {
      state = await this.sync.write(faults, body.marker ?? null);
    } catch (error) {
      if (error instanceof FaultStoreError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
    // In mystery mode every service logs the same line, with or without the fault: the log must not say where it acts.
    const msg = state.marker
      ? `mystery ${state.marker} is on`
      : state.faults.length > 0
        ? `faults switched on: ${this.registry.marker()}`
        : 'all faults switched off';
    this.logger.warn({ msg, faults: state.marker ? undefined : state.faults });
    return this.view(false);
  }

  private view(reveal: boolean): FaultsView {
    const state = this.registry.state();
    return {
      service: state.service,
      instance: INSTANCE,
      store: this.sync.store.where,
      active: state.marker && !reveal ? 'hidden' : state.faults,
      marker: state.marker,
      available: faultsOf(state.service).map((s) => ({ name: s.name, title: s.title, params: s.params })),
    };
  }
}
