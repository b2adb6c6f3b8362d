import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Put,
  Query,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import type { Response } from 'express';
import { AdminTokenGuard } from './admin-token.guard.js';
import type { FaultView, FaultsView } from './client/fault-client.js';
import { DeleteFaultQuery, FaultNameParams, PutFaultDto } from './dto/put-fault.dto.js';
import { PutFaultsDto } from './dto/put-faults.dto.js';
import { type FaultSet, FaultNotOnError, MysteryOnError, withFault, withoutFault } from './fault-changes.js';
import { type ActiveFault, FaultSettingsError, faultsOf, resolveFault } from './fault-settings.js';
import { FaultRegistry, type FaultState } from './fault-registry.js';
import { FaultStoreError, FaultSync } from './fault-sync.js';
import { INSTANCE } from './instance.js';

/** A 400 that names the field at fault, in the shape of the validation pipe's (`errors: [{ field, messages }]`). */
const invalid = (field: string, message: string) =>
  new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message,
    field,
    errors: [{ field, messages: [message] }],
  });

/**
 * The admin API on every service's own port (the gateway does not route it):
 *   GET    /admin/faults[?reveal=true]   what is on (names hidden in mystery mode unless revealed)
 *   PUT    /admin/faults                 the whole set, { faults, marker? }: how a mystery starts, and everything off
 *   PUT    /admin/faults/:name           one fault on (201) or its parameters replaced (200), { params?, marker? }
 *   DELETE /admin/faults/:name           one fault off (204); 404 when it is not on
 * A change is stored first (atomically: a per-fault change edits what is
 * stored, not what this replica has seen), so it survives a restart and
 * reaches every replica of the service; if it cannot be stored, nothing
 * changes (503). While a mystery is on, a per-fault change is refused (409)
 * unless it names the mystery's marker.
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
    if (duplicate) throw invalid('faults', `fault "${duplicate}" is listed twice`);
    const faults = body.faults.map((f, i) => this.resolve(f.name, f.params ?? {}, `faults.${i}.`));
    let state: FaultState;
    try {
      state = await this.sync.write(faults, body.marker ?? null);
    } catch (error) {
      if (error instanceof FaultStoreError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
    this.logChange(state);
    return this.view(false);
  }

  @Put(':name')
  async putOne(
    @Param() { name }: FaultNameParams,
    @Body() body: PutFaultDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FaultView> {
    const fault = this.resolve(name, body.params ?? {});
    const before = await this.change((set) => withFault(set, fault, body.marker));
    res.status(before.faults.some((f) => f.name === name) ? HttpStatus.OK : HttpStatus.CREATED);
    return { service: this.registry.service, instance: INSTANCE, ...fault };
  }

  @Delete(':name')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deleteOne(@Param() { name }: FaultNameParams, @Query() query: DeleteFaultQuery): Promise<void> {
    this.resolve(name, {});
    await this.change((set) => withoutFault(set, name, this.registry.service, query.marker));
  }

  /** The fault checked against the catalogue: a 400 naming the field (`name`, `params.latencyMs`) when it is refused. */
  private resolve(name: string, params: Record<string, unknown>, prefix = ''): ActiveFault {
    try {
      return resolveFault(this.registry.service, name, params);
    } catch (error) {
      if (error instanceof FaultSettingsError) throw invalid(`${prefix}${error.field}`, error.message);
      throw error;
    }
  }

  /** A per-fault change, stored and applied; returns the set as it was before. */
  private async change(edit: (set: FaultSet) => FaultSet): Promise<FaultSet> {
    try {
      const { before, state } = await this.sync.change(edit);
      this.logChange(state);
      return before;
    } catch (error) {
      if (error instanceof MysteryOnError) throw new ConflictException(error.message);
      if (error instanceof FaultNotOnError) throw new NotFoundException(error.message);
      if (error instanceof FaultStoreError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }

  /** In mystery mode every service logs the same line, with or without the fault: the log must not say where it acts. */
  private logChange(state: FaultState): void {
    const msg = state.marker
      ? `mystery ${state.marker} is on`
      : state.faults.length > 0
        ? `faults switched on: ${this.registry.marker()}`
        : 'all faults switched off';
    this.logger.warn({ msg, faults: state.marker ? undefined : state.faults });
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
