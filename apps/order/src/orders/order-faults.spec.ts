import { DatabasePool } from '@app/common';
import type { DataSource } from 'typeorm';
import { FaultRegistry, resolveFault } from '@app/faults';
import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrderFaults } from './order-faults.js';

const items = [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }];

describe('OrderFaults.floodLogs (log-flood)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes the configured number of padded lines per order, and nothing when off', () => {
    const registry = new FaultRegistry('order');
    const faults = new OrderFaults(registry, {} as DataSource, new DatabasePool());
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);

    faults.floodLogs('o-1', items);
    expect(log).not.toHaveBeenCalled();

    registry.set([resolveFault('order', 'log-flood', { linesPerRequest: 3, lineKiB: 1 })], null);
    faults.floodLogs('o-1', items);
    expect(log).toHaveBeenCalledTimes(3);
    const line = log.mock.calls[0]?.[0] as { msg: string; order_id: string; snapshot: string; padding: string };
    expect(line).toMatchObject({ msg: 'debug: cart snapshot', order_id: 'o-1' });
    expect(line.snapshot.length + line.padding.length).toBe(1024);
    registry.set([], null);
  });
});
