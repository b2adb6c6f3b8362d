import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDefined,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCardNumber } from './card-number.js';

export const ORDER_STATUSES = ['pending', 'paid', 'payment_failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const MAX_ITEMS_PER_ORDER = 50;
export const MAX_QUANTITY = 1000;
export const MAX_UNIT_PRICE = 100_000;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class OrderItemDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, {
    message: 'sku must be 1 to 32 letters, digits or dashes',
  })
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(MAX_UNIT_PRICE)
  unitPrice!: number;
}

export class PaymentDetailsDto {
  @IsString()
  @IsCardNumber()
  cardNumber!: string;
}

export class CreateOrderDto {
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be 1 to 64 letters, digits, dots, dashes or underscores' })
  customerId!: string;

  @IsDefined()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS_PER_ORDER)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentDetailsDto)
  payment!: PaymentDetailsDto;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class ListOrdersQueryDto {
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be 1 to 64 letters, digits, dots, dashes or underscores' })
  customerId?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface OrderItemView {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderView {
  id: string;
  customerId: string;
  status: OrderStatus;
  total: number;
  currency: string;
  items: OrderItemView[];
  paymentId: string | null;
  cardLast4: string;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
