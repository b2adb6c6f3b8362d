import { describeError, isUniqueViolation } from '@app/common';
import {
  type CreateOrderDto,
  DEFAULT_PAGE_SIZE,
  type ListOrdersQueryDto,
  type OrderStatus,
  type OrderView,
  type Page,
  type PaymentView,
  cardLast4,
} from '@app/contracts';
import {
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { annotateActiveSpan, orderAmount, ordersCreated, withSpan } from '@app/observability';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, In, Repository } from 'typeorm';
import { OrderEnv } from '../config/env.validation.js';
import { OutboxEvent } from '../outbox/outbox-event.entity.js';
import { OutboxRelay, newOutboxEvent } from '../outbox/outbox.relay.js';
import { OrderFaults } from './order-faults.js';
import { PaymentClient } from '../payments/payment.client.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { requestFingerprint } from './idempotency.js';
import { canTransition, eventFor } from './order-status.js';
import { claimPendingOrder } from './reconcile-claims.js';
import { orderTotalCents, toCents } from './order-total.js';
import { Order, OrderItem, toOrderView } from './order.entity.js';

export interface CreateResult {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key produced this order. */
  replayed: boolean;
}

type Settlement = { status: 'paid' | 'payment_failed'; paymentId: string | null; failureReason: string | null };

/** What a payment answer means for the order, or null while the payment is still processing. */
export function settlementFor(payment: PaymentView | null): Settlement | null {
  if (payment === null) return { status: 'payment_failed', paymentId: null, failureReason: 'payment_not_received' };
  if (payment.status === 'approved') return { status: 'paid', paymentId: payment.id, failureReason: null };
  if (payment.status === 'declined') {
    return { status: 'payment_failed', paymentId: payment.id, failureReason: payment.declineReason ?? 'declined' };
  }
  return null;
}

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  private readonly paymentTimeoutMs: number;

  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(OrderItem) private readonly items: Repository<OrderItem>,
    private readonly dataSource: DataSource,
    private readonly payments: PaymentClient,
    private readonly relay: OutboxRelay,
    private readonly faults: OrderFaults,
    env: OrderEnv,
  ) {
    this.paymentTimeoutMs = env.PAYMENT_TIMEOUT_MS;
  }

  /**
   * Stores the order as pending, charges it synchronously, then records the
   * outcome and its event in one transaction. If the payment call fails the
   * order stays pending (visible as such) and the reconciler settles it.
   */
  async create(dto: CreateOrderDto, idempotencyKey: string | null): Promise<CreateResult> {
    const fingerprint = idempotencyKey ? requestFingerprint(dto) : null;
    if (idempotencyKey) {
      const existing = await this.orders.findOneBy({ idempotencyKey });
      if (existing) return this.replay(existing, fingerprint);
    }

    await this.faults.duplicateCheck(dto.customerId);
    const now = new Date();
    const order = this.orders.create({
      id: randomUUID(),
      customerId: dto.customerId,
      status: 'pending',
      totalCents: orderTotalCents(dto.items),
      currency: 'USD',
      cardLast4: cardLast4(dto.payment.cardNumber),
      paymentId: null,
      failureReason: null,
      idempotencyKey,
      requestFingerprint: fingerprint,
      createdAt: now,
      updatedAt: now,
    });
    const items = dto.items.map((item, position) =>
      this.items.create({
        id: randomUUID(),
        orderId: order.id,
        position,
        sku: item.sku,
        quantity: item.quantity,
        unitPriceCents: toCents(item.unitPrice),
      }),
    );
    try {
      await this.dataSource.transaction(async (m) => {
        await m.insert(Order, order);
        await m.insert(OrderItem, items);
        await this.faults.holdConnection(m);
      });
    } catch (error) {
      if (!idempotencyKey || !isUniqueViolation(error)) throw error;
      // A concurrent request with the same key won the insert: answer with its order.
      return this.replay(await this.orders.findOneByOrFail({ idempotencyKey }), fingerprint);
    }

    annotateActiveSpan({ 'order.id': order.id, 'order.total_cents': order.totalCents, 'order.items': items.length });
    this.faults.floodLogs(order.id, dto.items);
    let payment: PaymentView;
    try {
      payment = await this.payments.charge({
        orderId: order.id,
        amountCents: order.totalCents,
        currency: order.currency,
        cardNumber: dto.payment.cardNumber,
      });
    } catch (error) {
      this.recordCreated(order.id, 'pending', order.totalCents, order.currency);
      throw this.paymentCallFailed(order.id, error);
    }
    const settlement = settlementFor(payment);
    if (settlement) await this.settle(order.id, settlement);
    const view = await this.get(order.id);
    this.recordCreated(view.id, view.status, order.totalCents, order.currency);
    return { order: view, replayed: false };
  }

  private recordCreated(orderId: string, status: OrderStatus, totalCents: number, currency: string): void {
    ordersCreated.inc({ status });
    orderAmount.observe({ currency }, totalCents / 100);
    annotateActiveSpan({ 'order.status': status });
    const log = { msg: `order ${status}`, order_id: orderId, order_status: status, total_cents: totalCents };
    if (status === 'pending') this.logger.warn(log);
    else this.logger.log(log);
  }

  async get(id: string): Promise<OrderView> {
    const order = await this.orders.findOneBy({ id });
    if (!order) throw new NotFoundException(`Order ${id} not found`);
    return toOrderView(order, await this.items.findBy({ orderId: id }));
  }

  /** Newest first, keyset-paginated on (created_at, id). */
  async list(query: ListOrdersQueryDto): Promise<Page<OrderView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const qb = this.orders.createQueryBuilder('o');
    if (query.customerId) qb.andWhere('o.customer_id = :customerId', { customerId: query.customerId });
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      qb.andWhere('(o.created_at < :createdAt OR (o.created_at = :createdAt AND o.id < :id))', {
        createdAt: cursor.createdAt,
        id: cursor.id,
      });
    }
    const rows = await qb.orderBy('o.created_at', 'DESC').addOrderBy('o.id', 'DESC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const ids = page.map((o) => o.id);
    const items =
      (await this.faults.itemsOneByOne(ids, (orderId) => this.items.findBy({ orderId }))) ??
      (ids.length > 0 ? await this.items.findBy({ orderId: In(ids) }) : []);
    const last = page.at(-1);
    return {
      data: page.map((o) => toOrderView(o, items.filter((i) => i.orderId === o.id))),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Settles orders left pending by a failed or timed-out payment call by asking
   * the payment service what happened. Returns how many were settled. Each order
   * is claimed first (reconcile-claims.ts), one at a time, so replicas running
   * this together never ask about the same order at once.
   */
  async reconcilePending(olderThanMs: number, batch = 50): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    // Longer than one lookup may take (its deadline is the payment timeout, below olderThanMs).
    const leaseMs = 2 * olderThanMs;
    let settled = 0;
    for (let i = 0; i < batch; i++) {
      const orderId = await claimPendingOrder(this.orders, cutoff, leaseMs);
      if (!orderId) break;
      const done = await withSpan('order.reconcile', { attributes: { 'order.id': orderId } }, async (span) => {
        const settlement = settlementFor(await this.payments.findByOrder(orderId));
        span.setAttribute('order.status', settlement?.status ?? 'pending');
        if (!settlement || !(await this.settle(orderId, settlement))) return false;
        this.logger.log({ msg: `reconciled order ${settlement.status}`, order_id: orderId, order_status: settlement.status });
        return true;
      });
      if (done) settled++;
    }
    return settled;
  }

  /** Moves a pending order to its final status and writes its event, atomically. False if already settled. */
  private async settle(orderId: string, settlement: Settlement): Promise<boolean> {
    if (!canTransition('pending', settlement.status)) return false;
    const changed = await this.dataSource.transaction(async (m) => {
      const result = await m.update(
        Order,
        { id: orderId, status: 'pending' },
        { ...settlement, updatedAt: new Date() },
      );
      if (!result.affected) return false;
      const order = await m.findOneByOrFail(Order, { id: orderId });
      await m.insert(
        OutboxEvent,
        newOutboxEvent({
          type: eventFor(settlement.status),
          orderId,
          customerId: order.customerId,
          totalCents: order.totalCents,
          currency: order.currency,
          paymentId: settlement.paymentId,
          failureReason: settlement.failureReason,
        }),
      );
      return true;
    });
    if (changed) this.relay.nudge();
    return changed;
  }

  /** A retry with the same key: same request → the first result; different request → 422. */
  private async replay(existing: Order, fingerprint: string | null): Promise<CreateResult> {
    if (existing.requestFingerprint !== fingerprint) {
      throw new UnprocessableEntityException({
        message: 'Idempotency-Key was already used for a different request',
        field: 'Idempotency-Key',
      });
    }
    const deadline = Date.now() + this.paymentTimeoutMs + 1_000;
    let order: Order = existing;
    while (order.status === 'pending' && Date.now() < deadline) {
      await sleep(50);
      order = await this.orders.findOneByOrFail({ id: existing.id });
    }
    if (order.status === 'pending') {
      throw new ConflictException({
        message: `Order ${order.id} is still pending; retry later or GET /api/orders/${order.id}`,
        orderId: order.id,
        orderStatus: 'pending',
      });
    }
    return { order: await this.get(order.id), replayed: true };
  }

  private paymentCallFailed(orderId: string, error: unknown): HttpException {
    const described = describeError(error);
    const status = error instanceof HttpException && error.getStatus() >= 500 ? error.getStatus() : 502;
    return new HttpException(
      {
        message: `${described.message}; order ${orderId} is pending and will be settled when the payment service answers`,
        orderId,
        orderStatus: 'pending',
      },
      status,
    );
  }
}
