import { describe, expect, it } from 'vitest';
import { fromCents, orderTotalCents, toCents } from './order-total.js';

describe('orderTotalCents()', () => {
  it('sums quantity times unit price in integer cents', () => {
    expect(orderTotalCents([{ quantity: 2, unitPrice: 12.5 }])).toBe(2500);
    expect(
      orderTotalCents([
        { quantity: 3, unitPrice: 0.1 },
        { quantity: 1, unitPrice: 0.2 },
      ]),
    ).toBe(50);
  });

  it('does not accumulate floating-point error', () => {
    const items = Array.from({ length: 10 }, () => ({ quantity: 1, unitPrice: 0.1 }));
    expect(orderTotalCents(items)).toBe(100);
    expect(fromCents(orderTotalCents(items))).toBe(1);
  });

  it('handles the largest allowed order exactly', () => {
    const items = Array.from({ length: 50 }, () => ({ quantity: 1000, unitPrice: 100_000 }));
    expect(orderTotalCents(items)).toBe(50 * 1000 * 100_000 * 100);
  });
});

describe('toCents()', () => {
  it('rounds two-decimal prices to the exact cent', () => {
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(1.15)).toBe(115);
  });
});
