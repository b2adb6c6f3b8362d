import type { NotificationView } from '@app/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'notifications' })
@Index('idx_notifications_order', ['orderId', 'createdAt'])
export class Notification {
  @PrimaryColumn()
  id!: string;

  /** The order event this notification answers; unique, so a redelivered event is recorded once. */
  @Column({ name: 'event_id', unique: true })
  eventId!: string;

  @Column({ name: 'order_id' })
  orderId!: string;

  @Column({ name: 'customer_id' })
  customerId!: string;

  @Column()
  type!: string;

  @Column()
  channel!: string;

  @Column()
  message!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}

export function toNotificationView(n: Notification): NotificationView {
  return {
    id: n.id,
    eventId: n.eventId,
    orderId: n.orderId,
    customerId: n.customerId,
    type: n.type,
    channel: n.channel,
    message: n.message,
    createdAt: n.createdAt.toISOString(),
  };
}
