import type { OrderItemDto } from '@app/contracts';

/** Prices arrive as decimal currency units with at most two decimals; money is kept in integer cents. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

export function orderTotalCents(items: Pick<OrderItemDto, 'quantity' | 'unitPrice'>[]): number {
  return items.reduce((sum, item) => sum + item.quantity * toCents(item.unitPrice), 0);
}
