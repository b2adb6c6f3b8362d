import { bigintAsNumber } from '@app/common';
import type { Currency, PaymentView } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `processing` while the provider is asked; only the last four card digits are kept. */
export type PaymentRecordStatus = 'processing' | 'approved' | 'declined';

@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn()
  id!: string;

  @Column({ name: 'order_id', unique: true })
  orderId!: string;

  @Column({ type: 'varchar' })
  status!: PaymentRecordStatus;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintAsNumber })
  amountCents!: number;

  @Column({ type: 'varchar' })
  currency!: Currency;

  @Column({ name: 'card_last4' })
  cardLast4!: string;

  @Column({ name: 'decline_reason', type: 'varchar', nullable: true })
  declineReason!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}

export function toPaymentView(p: Payment): PaymentView {
  return {
    id: p.id,
    orderId: p.orderId,
    status: p.status,
    amountCents: p.amountCents,
    currency: p.currency,
    cardLast4: p.cardLast4,
    declineReason: p.declineReason,
    createdAt: p.createdAt.toISOString(),
  };
}
