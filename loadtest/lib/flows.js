// What one iteration does, as generators run by ./engine.js (under k6 or the
// Node engine). Every response is checked; every request is tagged with the
// endpoint it exercises, which the thresholds and the summary break down by:
//
//   create_order                     POST /api/orders
//   create_order_replay              the same POST again, same Idempotency-Key
//   create_order_invalid             POST /api/orders with a broken body (smoke)
//   get_order                        GET  /api/orders/:id
//   get_order_unknown                GET  /api/orders/<random uuid> (smoke)
//   list_orders                      GET  /api/orders?customerId=…&limit=20
//   list_orders_with_notifications   GET  /api/orders?customerId=…&limit=20&include=notifications
//   get_notifications                GET  /api/notifications?orderId=…
import { Rate } from 'k6/metrics';
import { GATEWAY_URL } from './config.js';
import { chance, customerId, heavyCustomerId, idempotencyKey, newOrder } from './data.js';

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };
/** While a scenario breaks payment or the database, these are the documented answers of POST /api/orders. */
const DEGRADED = [201, 502, 503, 504];
const ORDER_STATUSES = ['paid', 'payment_failed', 'pending'];

/** Share of POST /api/orders answered 502/503/504: what a payment or database scenario does to checkout. */
const degradedAnswers = new Rate('create_order_5xx');

const parse = (res) => {
  try {
    return res.json();
  } catch {
    return undefined;
  }
};

/** The documented error shape: JSON with the HTTP status in `statusCode` and a message. */
const isErrorJson = (res) => {
  const body = parse(res);
  return !!body && body.statusCode === res.status && typeof body.message !== 'undefined';
};

/**
 * Places one order. `retryShare` of the keyed ones are sent again with the
 * same Idempotency-Key (a client retrying after a lost answer): 201, header
 * Idempotent-Replayed: true, the same order. `readBackShare` are read back.
 * `degraded`: a scenario is on, so 502/503/504 are correct answers too.
 * Returns the created order (or undefined).
 */
export function* placeOrder(ctx, { degraded = false, retryShare = 0.1, readBackShare = 0.3, keyShare = 0.8, order = newOrder(), customer } = {}) {
  const cart = customer ? newOrder({ customer }) : order;
  const headers = { ...JSON_HEADERS };
  const keyed = chance(keyShare);
  if (keyed) headers['Idempotency-Key'] = idempotencyKey();
  const request = {
    method: 'POST',
    url: `${GATEWAY_URL}/api/orders`,
    body: cart.body,
    headers,
    tags: { endpoint: 'create_order' },
    expect: degraded ? DEGRADED : [201],
  };
  const res = yield request;
  const created = res.status === 201 ? parse(res) : undefined;
  degradedAnswers.add(res.status >= 500, { endpoint: 'create_order' });
  if (degraded) {
    ctx.check(res, {
      'create_order: 201, or 502/503/504 while a scenario is on': (r) => DEGRADED.includes(r.status),
      'create_order: an order status, or the documented error JSON': (r) => (created ? ORDER_STATUSES.includes(created.status) : isErrorJson(r)),
    });
  } else {
    ctx.check(res, {
      'create_order: 201 Created': (r) => r.status === 201,
      'create_order: paid, or payment_failed for the declined card': () =>
        !!created && created.status === (cart.declined ? 'payment_failed' : 'paid') && (!cart.declined || created.failureReason === 'card_declined'),
      'create_order: total is the sum of the items': () => !!created && created.total === cart.total,
    });
  }
  if (!created) return undefined;

  if (keyed && chance(retryShare)) {
    const again = yield { ...request, tags: { endpoint: 'create_order_replay' }, expect: degraded ? DEGRADED : [201] };
    ctx.check(again, {
      'create_order_replay: 201 with Idempotent-Replayed: true': (r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true',
      'create_order_replay: the same order, not a second one': (r) => parse(r)?.id === created.id,
    });
  }
  if (chance(readBackShare)) yield* getOrder(ctx, created);
  return created;
}

export function* getOrder(ctx, order) {
  const res = yield { method: 'GET', url: `${GATEWAY_URL}/api/orders/${order.id}`, headers: { Accept: 'application/json' }, tags: { endpoint: 'get_order' } };
  ctx.check(res, {
    'get_order: 200': (r) => r.status === 200,
    'get_order: the order that was placed': (r) => parse(r)?.id === order.id && parse(r)?.customerId === order.customerId,
  });
  return res;
}

/**
 * One page of a customer's order history (newest first), optionally with each
 * order's notifications (the gateway enriches them: sequential-calls acts there).
 */
export function* listOrders(ctx, { customer = customerId(), include = false, limit = 20 } = {}) {
  const endpoint = include ? 'list_orders_with_notifications' : 'list_orders';
  const query = `customerId=${customer}&limit=${limit}${include ? '&include=notifications' : ''}`;
  const res = yield { method: 'GET', url: `${GATEWAY_URL}/api/orders?${query}`, headers: { Accept: 'application/json' }, tags: { endpoint } };
  const page = parse(res);
  ctx.check(res, {
    [`${endpoint}: 200`]: (r) => r.status === 200,
    [`${endpoint}: the customer's orders, newest first, at most ${limit}`]: () =>
      !!page &&
      Array.isArray(page.data) &&
      page.data.length <= limit &&
      page.data.every((o, i) => o.customerId === customer && (i === 0 || o.createdAt <= page.data[i - 1].createdAt)),
    ...(include
      ? { [`${endpoint}: every order carries its notifications`]: () => !!page && Array.isArray(page.data) && page.data.every((o) => Array.isArray(o.notifications)) }
      : {}),
  });
  return page;
}

/** The history of one of the heavy buyers: the pages n-plus-one and sequential-calls slow down. */
export function* browseHistory(ctx, { include = false } = {}) {
  return yield* listOrders(ctx, { customer: heavyCustomerId(), include });
}

export function* getNotifications(ctx, order) {
  const res = yield {
    method: 'GET',
    url: `${GATEWAY_URL}/api/notifications?orderId=${order.id}`,
    headers: { Accept: 'application/json' },
    tags: { endpoint: 'get_notifications' },
  };
  ctx.check(res, {
    'get_notifications: 200': (r) => r.status === 200,
    // Delivery is asynchronous (outbox → RabbitMQ): none yet is fine, someone else's is not.
    'get_notifications: only this order’s notifications': (r) => Array.isArray(parse(r)?.data) && parse(r).data.every((n) => n.orderId === order.id),
  });
  return res;
}

/**
 * A shopper: places an order; a third of them then look at their order
 * history, some at its notifications. What baseline, soak, spike and
 * breakpoint run.
 */
export function* shopper(ctx, { degraded = false } = {}) {
  const order = yield* placeOrder(ctx, { degraded });
  if (chance(0.3)) yield* listOrders(ctx, { customer: order?.customerId ?? customerId(), include: chance(0.3) });
  if (order && chance(0.2)) yield* getNotifications(ctx, order);
  return order;
}

/** Places `perCustomer` orders for each heavy buyer (setup of the history scenarios), so every page is full. */
export function* seedHistory(ctx, { customers = 5, perCustomer = 20 } = {}) {
  let placed = 0;
  for (let c = 1; c <= customers; c++) {
    for (let i = 0; i < perCustomer; i++) {
      const order = yield* placeOrder(ctx, { customer: `c-${c}`, retryShare: 0, readBackShare: 0 });
      if (order) placed++;
    }
  }
  return placed;
}

/** Client mistakes get clear 4xx answers, never a 500 (smoke). */
export function* clientMistakes(ctx) {
  const invalid = yield {
    method: 'POST',
    url: `${GATEWAY_URL}/api/orders`,
    body: { customerId: 'c-1', items: [{ sku: 'SKU-100', quantity: 0, unitPrice: 1 }], payment: { cardNumber: '4242424242424241' } },
    headers: JSON_HEADERS,
    tags: { endpoint: 'create_order_invalid' },
    expect: [400],
  };
  ctx.check(invalid, {
    'create_order_invalid: 400 naming each bad field': (r) => {
      const fields = (parse(r)?.errors ?? []).map((e) => e.field);
      return r.status === 400 && fields.includes('items.0.quantity') && fields.includes('payment.cardNumber');
    },
  });
  const unknown = yield {
    method: 'GET',
    url: `${GATEWAY_URL}/api/orders/00000000-0000-4000-8000-${String(Date.now()).slice(-12).padStart(12, '0')}`,
    headers: { Accept: 'application/json' },
    tags: { endpoint: 'get_order_unknown' },
    expect: [404],
  };
  ctx.check(unknown, { 'get_order_unknown: 404 as JSON': (r) => r.status === 404 && isErrorJson(r) });
}
