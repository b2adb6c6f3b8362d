import { BadRequestException, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateOrderDto } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import { describeError } from './exception.filter.js';
import { flattenValidationErrors } from './validation.js';

describe('describeError()', () => {
  it('keeps an HttpException status and message', () => {
    expect(describeError(new NotFoundException('Order x not found'))).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      message: 'Order x not found',
    });
  });

  it('keeps extra fields of an object response', () => {
    expect(describeError(new BadRequestException({ message: 'bad', field: 'cursor' }))).toMatchObject({
      statusCode: 400,
      field: 'cursor',
    });
  });

  it('turns body-parser errors into 400, 413 and 415', () => {
    expect(describeError({ type: 'entity.parse.failed', status: 400, message: 'Unexpected token' }).statusCode).toBe(
      400,
    );
    expect(describeError({ type: 'entity.too.large', status: 413, message: 'too large' }).statusCode).toBe(413);
    expect(describeError({ type: 'charset.unsupported', status: 415, message: 'x' }).statusCode).toBe(415);
  });

  it('hides the details of an unexpected error behind a 500', () => {
    expect(describeError(new Error('password=hunter2'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});

describe('flattenValidationErrors()', () => {
  it('names nested fields with dotted paths', () => {
    const dto = plainToInstance(CreateOrderDto, {
      customerId: 'c-1',
      items: [{ sku: 'A', quantity: -1, unitPrice: 1 }],
      payment: { cardNumber: '1' },
    });
    const fields = flattenValidationErrors(validateSync(dto)).map((e) => e.field);
    expect(fields).toEqual(['items.0.quantity', 'payment.cardNumber']);
  });
});
