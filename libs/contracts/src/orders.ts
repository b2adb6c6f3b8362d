import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { DEFAULT_PAGE_SIZE, IsPageLimit, MAX_PAGE_SIZE } from './pagination.js';

export const ORDER_STATUSES = ['pending', 'paid', 'payment_failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const MAX_ITEMS_PER_ORDER = 50;
export const MAX_QUANTITY = 1000;
export const MAX_UNIT_PRICE = 100_000;

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/;

// @ApiProperty documents each field for the gateway's OpenAPI contract (/api/docs); the class-validator
// decorators beside it enforce the same rules, from the same constants.
export class OrderItemDto {
  @ApiProperty({ description: 'Product code', pattern: SKU_PATTERN.source, example: 'SKU-1' })
  @IsString()
  @Matches(SKU_PATTERN, {
    message: 'sku must be 1 to 32 letters, digits or dashes',
  })
  sku!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_QUANTITY, example: 2 })
  @IsInt()
  @Min(1)
  @Max(MAX_QUANTITY)
  quantity!: number;

  @ApiProperty({
    description: 'Price of one item, at most two decimals',
    minimum: 0.01,
    maximum: MAX_UNIT_PRICE,
    multipleOf: 0.01,
    example: 12.5,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(MAX_UNIT_PRICE)
  unitPrice!: number;
}

export class PaymentDetailsDto {
  @ApiProperty({
    description:
      '13–19 digits with a valid Luhn checksum; never stored, logged or returned (only the last four). 4242424242424242 is approved, 4000000000000002 always declined.',
    pattern: '^\\d{13,19}$',
    example: '4242424242424242',
  })
  @IsString()
  @IsCardNumber()
  cardNumber!: string;
}

export class CreateOrderDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: 'c-42' })
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be 1 to 64 letters, digits, dots, dashes or underscores' })
  customerId!: string;

  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: MAX_ITEMS_PER_ORDER })
  @IsDefined()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ITEMS_PER_ORDER)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];

  @ApiProperty({ type: PaymentDetailsDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentDetailsDto)
  payment!: PaymentDetailsDto;
}

export class ListOrdersQueryDto {
  @ApiPropertyOptional({ description: "Only this customer's orders", pattern: ID_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(ID_PATTERN, { message: 'customerId must be 1 to 64 letters, digits, dots, dashes or underscores' })
  customerId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsPageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page', maxLength: 200 })
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
