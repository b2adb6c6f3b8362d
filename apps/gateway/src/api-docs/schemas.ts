import {
  ORDER_STATUSES,
  type NotificationView,
  type OrderItemView,
  type OrderStatus,
  type OrderView,
  type Page,
} from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The answers' shapes for the OpenAPI contract. Each class `implements` the view the code returns,
// so a field added to or renamed in the contract fails the type check here until the docs follow.

export class OrderItemSchema implements OrderItemView {
  @ApiProperty({ example: 'SKU-1' }) sku!: string;
  @ApiProperty({ type: 'integer', example: 2 }) quantity!: number;
  @ApiProperty({ example: 12.5 }) unitPrice!: number;
}

export class OrderSchema implements OrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'c-42' }) customerId!: string;
  @ApiProperty({ enum: ORDER_STATUSES, example: 'paid' }) status!: OrderStatus;
  @ApiProperty({ description: 'Sum of quantity × unitPrice, computed in integer cents', example: 25 }) total!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ type: [OrderItemSchema] }) items!: OrderItemSchema[];
  @ApiProperty({ type: String, nullable: true, description: "The payment service's id once charged" }) paymentId!:
    string | null;
  @ApiProperty({ description: 'The only part of the card number that is kept', example: '4242' }) cardLast4!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'e.g. card_declined, payment_not_received' })
  failureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class NotificationSchema implements NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: "The order event's id (a notification is sent once per event)" })
  eventId!: string;
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ example: 'order.paid' }) type!: string;
  @ApiProperty({ example: 'email' }) channel!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OrderWithNotificationsSchema extends OrderSchema {
  @ApiProperty({ type: [NotificationSchema] }) notifications!: NotificationSchema[];
}

export class OrderPageSchema implements Page<OrderView> {
  @ApiProperty({
    type: [OrderSchema],
    description: 'Newest first; with include=notifications each order also has `notifications`',
  })
  data!: OrderSchema[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export class NotificationListSchema {
  @ApiProperty({ type: [NotificationSchema] }) data!: NotificationSchema[];
}

class FieldErrorSchema {
  @ApiProperty({ example: 'items.0.quantity' }) field!: string;
  @ApiProperty({ type: [String], example: ['quantity must not be less than 1'] }) messages!: string[];
}

/** Every error answer, from any service, has this shape (libs/common's exception filter). */
export class ErrorSchema {
  @ApiProperty({ type: 'integer', example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Validation failed' }) message!: string;
  @ApiProperty({ example: '/api/orders' }) path!: string;
  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'A 400 from validation: every field that failed' })
  errors?: FieldErrorSchema[];
  @ApiPropertyOptional({ description: 'The one field a 400 is about (e.g. a bad Idempotency-Key or query)' })
  field?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A 502/503/504 after the order was saved: the order, left pending',
  })
  orderId?: string;
  @ApiPropertyOptional({ enum: ['pending'] }) orderStatus?: string;
}
