import { BadRequestException } from '@nestjs/common';
import { type CreateOrderDto, cardLast4 } from '@app/contracts';
import { createHash } from 'node:crypto';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Validates the optional Idempotency-Key header (1–255 visible ASCII characters). */
export function parseIdempotencyKey(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!KEY_PATTERN.test(value)) {
    throw new BadRequestException({
      message: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
      field: 'Idempotency-Key',
    });
  }
  return value;
}

/**
 * What a retry must repeat to count as the same request. The card enters only
 * as its last four digits, so no hash of the full number is ever stored.
 */
export function requestFingerprint(dto: CreateOrderDto): string {
  const canonical = JSON.stringify({
    customerId: dto.customerId,
    items: dto.items.map((i) => [i.sku, i.quantity, i.unitPrice]),
    card: cardLast4(dto.payment.cardNumber),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
