import { bigintAsNumber } from '@app/common';
import type { Currency, OrderStatus, OrderView } from '@app/contracts';
import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryColumn, type Relation } from 'typeorm';
import { fromCents } from './order-total.js';

@Entity({ name: 'orders' })
@Index('idx_orders_customer_created', ['customerId', 'createdAt', 'id'])
@Index('idx_orders_status_updated', ['status', 'updatedAt'])
export class Order {
  @PrimaryColumn()
  id!: string;

  @Column({ name: 'customer_id' })
  customerId!: string;

  @Column({ type: 'varchar' })
  status!: OrderStatus;

  @Column({ name: 'total_cents', type: 'bigint', transformer: bigintAsNumber })
  totalCents!: number;

  @Column({ type: 'varchar' })
  currency!: Currency;

  @Column({ name: 'card_last4' })
  cardLast4!: string;

  @Column({ name: 'payment_id', type: 'varchar', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'failure_reason', type: 'varchar', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', nullable: true, unique: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_fingerprint', type: 'varchar', nullable: true })
  requestFingerprint!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;

  /** Until when one order replica is asking the payment service about this pending order (PaymentReconciler). */
  @Column({ name: 'reconcile_claimed_until', type: Date, nullable: true, select: false })
  reconcileClaimedUntil?: Date | null;

  @OneToMany(() => OrderItem, (item) => item.order)
  items!: Relation<OrderItem>[];
}

@Entity({ name: 'order_items' })
export class OrderItem {
  @PrimaryColumn()
  id!: string;

  @Column({ name: 'order_id' })
  orderId!: string;

  @ManyToOne(() => Order, (order) => order.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  order?: Relation<Order>;

  @Column({ type: 'integer' })
  position!: number;

  @Column()
  sku!: string;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ name: 'unit_price_cents', type: 'bigint', transformer: bigintAsNumber })
  unitPriceCents!: number;
}

export function toOrderView(order: Order, items: OrderItem[]): OrderView {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    total: fromCents(order.totalCents),
    currency: order.currency,
    items: [...items]
      .sort((a, b) => a.position - b.position)
      .map((i) => ({ sku: i.sku, quantity: i.quantity, unitPrice: fromCents(i.unitPriceCents) })),
    paymentId: order.paymentId,
    cardLast4: order.cardLast4,
    failureReason: order.failureReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}
