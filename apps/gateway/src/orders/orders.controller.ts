import { DownstreamClient } from '@app/common';
import { CreateOrderDto, DEFAULT_PAGE_SIZE, type NotificationView, type OrderView, type Page } from '@app/contracts';
import { FaultRegistry } from '@app/faults';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors, DOWNSTREAM_ERRORS } from '../api-docs/api-errors.js';
import { OrderPageSchema, OrderSchema, OrderWithNotificationsSchema } from '../api-docs/schemas.js';
import { NOTIFICATION_HTTP, ORDER_HTTP } from '../downstream/downstream.tokens.js';
import { GatewayListOrdersQueryDto } from './dto/list-orders-query.dto.js';
import { mapBounded } from './map-bounded.js';

const REPLAYED = 'idempotent-replayed';
/**
 * At most this many notification calls at once while joining a page with include=notifications: a default page
 * (20 orders) goes out in one round, as the sequential-calls lesson compares against; a page of 100 waits its turn.
 */
const JOIN_CONCURRENCY = DEFAULT_PAGE_SIZE;

/** The public order API: validated here, then forwarded to the order service. */
@ApiTags('orders')
@ApiExtraModels(OrderWithNotificationsSchema)
@Controller('api/orders')
export class OrdersController {
  constructor(
    @Inject(ORDER_HTTP) private readonly order: DownstreamClient,
    @Inject(NOTIFICATION_HTTP) private readonly notification: DownstreamClient,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Place an order: the order is saved, charged by payment, and its event notified' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      '1–255 visible ASCII characters. The same key with the same body returns the first result (no second charge).',
  })
  @ApiCreatedResponse({
    type: OrderSchema,
    description: 'The order, `paid` or `payment_failed`. A replay carries the header `idempotent-replayed: true`.',
    headers: {
      'idempotent-replayed': {
        description: 'true when this is the stored answer to an earlier request with the same key',
        schema: { type: 'string' },
      },
    },
  })
  @ApiErrors(400, 409, 413, 415, 422, ...DOWNSTREAM_ERRORS)
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
  @ApiOperation({ summary: 'List orders, newest first, a page at a time' })
  @ApiOkResponse({
    description: "A page of orders; `include=notifications` adds each order's notifications",
    schema: {
      allOf: [{ $ref: getSchemaPath(OrderPageSchema) }],
      properties: {
        data: {
          type: 'array',
          items: {
            oneOf: [{ $ref: getSchemaPath(OrderSchema) }, { $ref: getSchemaPath(OrderWithNotificationsSchema) }],
          },
        },
      },
    },
  })
  @ApiExtraModels(OrderPageSchema)
  @ApiErrors(400, ...DOWNSTREAM_ERRORS)
  async list(
    @Query() query: GatewayListOrdersQueryDto,
  ): Promise<Page<OrderView> | Page<OrderView & { notifications: NotificationView[] }>> {
    const { include, ...forward } = query;
    const page = (await this.order.request<Page<OrderView>>({ path: '/orders', query: { ...forward } })).body;
    if (include !== 'notifications') return page;
    const notificationsOf = async (order: OrderView) => ({
      ...order,
      notifications: (
        await this.notification.request<{ data: NotificationView[] }>({
          path: '/notifications',
          query: { orderId: order.id },
        })
      ).body.data,
    });
    // The sequential-calls fault: the same calls, one after the other.
    if (this.faults.hit('sequential-calls')) {
      const data: (OrderView & { notifications: NotificationView[] })[] = [];
      for (const order of page.data) data.push(await notificationsOf(order));
      return { ...page, data };
    }
    return { ...page, data: await mapBounded(page.data, JOIN_CONCURRENCY, notificationsOf) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order' })
  @ApiOkResponse({ type: OrderSchema })
  @ApiErrors(400, 404, ...DOWNSTREAM_ERRORS)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    return (await this.order.request<OrderView>({ path: `/orders/${id}` })).body;
  }
}
