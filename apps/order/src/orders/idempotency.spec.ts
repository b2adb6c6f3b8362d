import type { CreateOrderDto } from '@app/contracts';
import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { parseIdempotencyKey, requestFingerprint } from './idempotency.js';

const order = (patch: Partial<CreateOrderDto> = {}): CreateOrderDto => ({
  customerId: 'c-42',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }],
  payment: { cardNumber: '4242424242424242' },
  ...patch,
});

describe('requestFingerprint()', () => {
  it('is the same for the same request', () => {
    expect(requestFingerprint(order())).toBe(requestFingerprint(order()));
  });

  it('differs when the customer, the items or the card differ', () => {
    const base = requestFingerprint(order());
    expect(requestFingerprint(order({ customerId: 'c-43' }))).not.toBe(base);
    expect(requestFingerprint(order({ items: [{ sku: 'SKU-1', quantity: 3, unitPrice: 12.5 }] }))).not.toBe(base);
    expect(requestFingerprint(order({ payment: { cardNumber: '5555555555554444' } }))).not.toBe(base);
  });

  it('is a sha-256 hex digest that does not depend on the full card number', () => {
    const a = requestFingerprint(order({ payment: { cardNumber: '4000056655665556' } }));
    const b = requestFingerprint(order({ payment: { cardNumber: '4000000000005556' } }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b); // only the last four digits enter the fingerprint
  });
});

describe('parseIdempotencyKey()', () => {
  it('returns null when the header is absent and the key when it is valid', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('order-7f3a')).toBe('order-7f3a');
  });

  it('rejects empty, too long, and non-printable keys with a 400 naming the header', () => {
    for (const bad of ['', 'x'.repeat(256), 'has space', 'tab\tkey', 'ünïcode']) {
      expect(() => parseIdempotencyKey(bad)).toThrow(BadRequestException);
    }
    try {
      parseIdempotencyKey('');
    } catch (error) {
      expect((error as BadRequestException).getResponse()).toMatchObject({ field: 'Idempotency-Key' });
    }
  });
});
