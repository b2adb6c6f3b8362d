import { CreateOrderDto, ListOrdersQueryDto, type OrderView, type Page } from '@app/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { parseIdempotencyKey } from './idempotency.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrderView> {
    const { order, replayed } = await this.orders.create(body, parseIdempotencyKey(rawKey));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return order;
  }

  @Get()
  list(@Query() query: ListOrdersQueryDto): Promise<Page<OrderView>> {
    return this.orders.list(query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return this.orders.get(id);
  }
}
