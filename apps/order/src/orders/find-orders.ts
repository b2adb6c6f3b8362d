import { DEFAULT_PAGE_SIZE, type ListOrdersQueryDto, type OrderView, type Page } from '@app/contracts';
import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { decodeCursor, encodeCursor } from './cursor.js';
import { OrderFaults } from './order-faults.js';
import { Order, OrderItem, toOrderView } from './order.entity.js';

/** Reads orders: one by id, or a page of them. */
@Injectable()
export class FindOrders {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectRepository(OrderItem) private readonly items: Repository<OrderItem>,
    private readonly faults: OrderFaults,
  ) {}

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
    const rows = await qb
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const ids = page.map((o) => o.id);
    const items =
      (await this.faults.itemsOneByOne(ids, (orderId) => this.items.findBy({ orderId }))) ??
      (ids.length > 0 ? await this.items.findBy({ orderId: In(ids) }) : []);
    const last = page.at(-1);
    return {
      data: page.map((o) =>
        toOrderView(
          o,
          items.filter((i) => i.orderId === o.id),
        ),
      ),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }
}
