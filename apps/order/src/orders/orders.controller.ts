import { CreateOrderDto, ListOrdersQueryDto, type OrderView, type Page } from '@app/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FindOrders } from './find-orders.js';
import { parseIdempotencyKey } from './idempotency.js';
import { PlaceOrder } from './place-order.js';

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly findOrders: FindOrders,
  ) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrderView> {
    const { order, replayed } = await this.placeOrder.execute(body, parseIdempotencyKey(rawKey));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return order;
  }

  @Get()
  list(@Query() query: ListOrdersQueryDto): Promise<Page<OrderView>> {
    return this.findOrders.list(query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return this.findOrders.get(id);
  }
}
