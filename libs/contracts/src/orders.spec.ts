import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { CreateOrderDto, ListOrdersQueryDto, MAX_ITEMS_PER_ORDER, MAX_QUANTITY } from './orders.js';

const valid = () => ({
  customerId: 'c-42',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }],
  payment: { cardNumber: '4242424242424242' },
});

function failingPaths(plain: unknown): string[] {
  const walk = (errors: ValidationError[], parent = ''): string[] =>
    errors.flatMap((e) => {
      const path = parent ? `${parent}.${e.property}` : e.property;
      return [...(e.constraints ? [path] : []), ...walk(e.children ?? [], path)];
    });
  return walk(validateSync(plainToInstance(CreateOrderDto, plain), { whitelist: true, forbidNonWhitelisted: true }));
}

describe('CreateOrderDto', () => {
  it('accepts the documented example order', () => {
    expect(failingPaths(valid())).toEqual([]);
  });

  it.each([
    ['a zero quantity', { quantity: 0 }, 'items.0.quantity'],
    ['a negative quantity', { quantity: -1 }, 'items.0.quantity'],
    ['a huge quantity', { quantity: MAX_QUANTITY + 1 }, 'items.0.quantity'],
    ['a fractional quantity', { quantity: 1.5 }, 'items.0.quantity'],
    ['a quantity given as a string', { quantity: '2' }, 'items.0.quantity'],
    ['a negative price', { unitPrice: -5 }, 'items.0.unitPrice'],
    ['a price with three decimals', { unitPrice: 1.005 }, 'items.0.unitPrice'],
    ['an empty sku', { sku: '' }, 'items.0.sku'],
    ['an unknown item field', { colour: 'red' }, 'items.0.colour'],
  ])('rejects %s and names the field', (_label, patch, path) => {
    const body = valid();
    Object.assign(body.items[0], patch);
    expect(failingPaths(body)).toContain(path);
  });

  it('rejects an empty item list and too many items', () => {
    expect(failingPaths({ ...valid(), items: [] })).toContain('items');
    const many = Array.from({ length: MAX_ITEMS_PER_ORDER + 1 }, () => valid().items[0]);
    expect(failingPaths({ ...valid(), items: many })).toContain('items');
  });

  it('rejects missing fields and unknown top-level fields', () => {
    expect(failingPaths({ items: valid().items, payment: valid().payment })).toContain('customerId');
    expect(failingPaths({ customerId: 'c-1', payment: valid().payment })).toContain('items');
    expect(failingPaths({ customerId: 'c-1', items: valid().items })).toContain('payment');
    expect(failingPaths({ ...valid(), admin: true })).toContain('admin');
  });

  it('rejects a card number that fails the Luhn check', () => {
    expect(failingPaths({ ...valid(), payment: { cardNumber: '4242424242424241' } })).toContain('payment.cardNumber');
  });
});

describe('ListOrdersQueryDto', () => {
  it('converts a numeric limit and bounds it', () => {
    const ok = plainToInstance(ListOrdersQueryDto, { limit: '10' });
    expect(validateSync(ok)).toEqual([]);
    expect(ok.limit).toBe(10);
    expect(validateSync(plainToInstance(ListOrdersQueryDto, { limit: '0' }))).not.toEqual([]);
    expect(validateSync(plainToInstance(ListOrdersQueryDto, { limit: '1000' }))).not.toEqual([]);
    expect(validateSync(plainToInstance(ListOrdersQueryDto, { limit: 'ten' }))).not.toEqual([]);
  });
});
