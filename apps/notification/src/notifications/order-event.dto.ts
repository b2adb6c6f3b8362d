import { CURRENCIES, type Currency, type OrderEventPayload, type OrderEventType, OrderEvents } from '@app/contracts';
import { IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Matches, Min } from 'class-validator';

/** The consumer validates what arrives: a malformed event is dead-lettered, not retried. */
export class OrderEventDto implements OrderEventPayload {
  @IsUUID()
  eventId!: string;

  @IsIn(Object.values(OrderEvents))
  type!: OrderEventType;

  @IsISO8601()
  occurredAt!: string;

  @IsUUID()
  orderId!: string;

  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
  customerId!: string;

  @IsInt()
  @Min(0)
  totalCents!: number;

  @IsIn(CURRENCIES)
  currency!: Currency;

  @IsOptional()
  @IsString()
  paymentId!: string | null;

  @IsOptional()
  @IsString()
  failureReason!: string | null;

  @IsOptional()
  @IsObject()
  traceContext?: Record<string, string>;
}
