import { DownstreamClient } from '@app/common';
import { CreateOrderDto, type NotificationView, type OrderView, type Page } from '@app/contracts';
import { FaultRegistry } from '@app/faults';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { NOTIFICATION_HTTP, ORDER_HTTP } from '../downstream.tokens.js';
import { GatewayListOrdersQueryDto } from './dto/list-orders-query.dto.js';

const REPLAYED = 'idempotent-replayed';

/** The public order API: validated here, then forwarded to the order service. */
@Controller('api/orders')
export class OrdersController {
  constructor(
    @Inject(ORDER_HTTP) private readonly order: DownstreamClient,
    @Inject(NOTIFICATION_HTTP) private readonly notification: DownstreamClient,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {}

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
  async list(
    @Query() query: GatewayListOrdersQueryDto,
  ): Promise<Page<OrderView> | Page<OrderView & { notifications: NotificationView[] }>> {
    const { include, ...forward } = query;
    const page = (await this.order.request<Page<OrderView>>({ path: '/orders', query: { ...forward } })).body;
    if (include !== 'notifications') return page;
    const notificationsOf = async (order: OrderView) => ({
      ...order,
      notifications: (
        await this.notification.request<{ data: NotificationView[] }>({ path: '/notifications', query: { orderId: order.id } })
      ).body.data,
    });
    // The sequential-calls fault: the same calls, one after the other.
    if (this.faults.hit('sequential-calls')) {
      const data: (OrderView & { notifications: NotificationView[] })[] = [];
      for (const order of page.data) data.push(await notificationsOf(order));
      return { ...page, data };
    }
    return { ...page, data: await Promise.all(page.data.map(notificationsOf)) };
  }

  @Get(':id')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return (await this.order.request<OrderView>({ path: `/orders/${id}` })).body;
  }
}
