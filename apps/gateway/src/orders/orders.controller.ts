import { DownstreamClient } from '@app/common';
import { CreateOrderDto, ListOrdersQueryDto, type OrderView, type Page } from '@app/contracts';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ORDER_HTTP } from '../downstream.tokens.js';

const REPLAYED = 'idempotent-replayed';

/** The public order API: validated here, then forwarded to the order service. */
@Controller('api/orders')
export class OrdersController {
  constructor(@Inject(ORDER_HTTP) private readonly order: DownstreamClient) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrderView> {
    const answer = await this.order.request<OrderView>({
      method: 'POST',
      path: '/orders',
      body,
      headers: { 'idempotency-key': idempotencyKey },
    });
    const replayed = answer.headers.get(REPLAYED);
    if (replayed) res.setHeader(REPLAYED, replayed);
    return answer.body;
  }

  @Get()
  async list(@Query() query: ListOrdersQueryDto): Promise<Page<OrderView>> {
    return (await this.order.request<Page<OrderView>>({ path: '/orders', query: { ...query } })).body;
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return (await this.order.request<OrderView>({ path: `/orders/${id}` })).body;
  }
}
