import { IsIn, IsInt, IsString, IsUUID, Max, Min } from 'class-validator';
import { IsCardNumber } from './card-number.js';

export const CURRENCIES = ['USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Body of POST /payments on the payment service (sent by the order service). */
export class ChargeRequestDto {
  @IsUUID()
  orderId!: string;

  @IsInt()
  @Min(1)
  @Max(1_000_000_000_00)
  amountCents!: number;

  @IsIn(CURRENCIES)
  currency!: Currency;

  @IsString()
  @IsCardNumber()
  cardNumber!: string;
}

export type PaymentStatus = 'processing' | 'approved' | 'declined';

export interface PaymentView {
  id: string;
  orderId: string;
  status: PaymentStatus;
  amountCents: number;
  currency: Currency;
  cardLast4: string;
  declineReason: string | null;
  createdAt: string;
}
