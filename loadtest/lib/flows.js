// What one iteration does, as async functions over ./engine.js's request() (k6's
// http.asyncRequest). Every response is checked; every request is tagged with the endpoint it
// exercises (create_order, get_order, list_orders, …: the list in loadtest/README.md), which the
// thresholds and the summary break down by.
import { check } from 'k6';
import { Rate } from 'k6/metrics';
import { GATEWAY_URL } from './config.js';
import { HEAVY_BUYERS, chance, customerId, heavyCustomerId, idempotencyKey, newOrder } from './data.js';
import { request } from './engine.js';

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
const isErrorJson = (res) => parse(res)?.statusCode === res.status && parse(res).message !== undefined;

const get = (path, endpoint, expect) =>
  request({
    method: 'GET',
    url: `${GATEWAY_URL}${path}`,
    headers: { Accept: 'application/json' },
    tags: { endpoint },
    expect,
  });

/**
 * Places one order. `retryShare` of the keyed ones are sent again with the same Idempotency-Key (a
 * client retrying after a lost answer): 201, header Idempotent-Replayed: true, the same order.
 * `readBackShare` are read back. `degraded`: a scenario is on, so 502/503/504 are correct answers
 * too. Returns the created order (or undefined).
 */
export async function placeOrder({
  degraded = false,
  retryShare = 0.1,
  readBackShare = 0.3,
  keyShare = 0.8,
  order = newOrder(),
} = {}) {
  const headers = chance(keyShare) ? { ...JSON_HEADERS, 'Idempotency-Key': idempotencyKey() } : JSON_HEADERS;
  const post = (endpoint) =>
    request({
      method: 'POST',
      url: `${GATEWAY_URL}/api/orders`,
      body: order.body,
      headers,
      tags: { endpoint },
      expect: degraded ? DEGRADED : [201],
    });
  const res = await post('create_order');
  const created = res.status === 201 ? parse(res) : undefined;
  degradedAnswers.add(res.status >= 500, { endpoint: 'create_order' });
  check(
    res,
    degraded
      ? {
          'create_order: 201, or 502/503/504 while a scenario is on': (r) => DEGRADED.includes(r.status),
          'create_order: an order status, or the documented error JSON': (r) =>
            created ? ORDER_STATUSES.includes(created.status) : isErrorJson(r),
        }
      : {
          'create_order: 201 Created': (r) => r.status === 201,
          'create_order: paid, or payment_failed for the declined card': () =>
            created?.status === (order.declined ? 'payment_failed' : 'paid') &&
            (!order.declined || created.failureReason === 'card_declined'),
          'create_order: total is the sum of the items': () => created?.total === order.total,
        },
  );
  if (!created) return undefined;
  if (headers['Idempotency-Key'] && chance(retryShare)) {
    check(await post('create_order_replay'), {
      'create_order_replay: 201 with Idempotent-Replayed: true': (r) =>
        r.status === 201 && r.headers['Idempotent-Replayed'] === 'true',
      'create_order_replay: the same order, not a second one': (r) => parse(r)?.id === created.id,
    });
  }
  if (chance(readBackShare)) await getOrder(created);
  return created;
}

export async function getOrder(order) {
  check(await get(`/api/orders/${order.id}`, 'get_order'), {
    'get_order: 200': (r) => r.status === 200,
    'get_order: the order that was placed': (r) =>
      parse(r)?.id === order.id && parse(r)?.customerId === order.customerId,
  });
}

/** One page of a customer's order history (newest first), optionally with each order's notifications (the gateway enriches them). */
export async function listOrders({ customer = customerId(), include = false, limit = 20 } = {}) {
  const endpoint = include ? 'list_orders_with_notifications' : 'list_orders';
  const res = await get(
    `/api/orders?customerId=${customer}&limit=${limit}${include ? '&include=notifications' : ''}`,
    endpoint,
  );
  const orders = parse(res)?.data;
  check(res, {
    [`${endpoint}: 200`]: (r) => r.status === 200,
    [`${endpoint}: the customer's orders, newest first, at most ${limit}`]: () =>
      Array.isArray(orders) &&
      orders.length <= limit &&
      orders.every((o, i) => o.customerId === customer && (i === 0 || o.createdAt <= orders[i - 1].createdAt)),
  });
  if (include)
    check(res, {
      [`${endpoint}: every order carries its notifications`]: () =>
        Array.isArray(orders) && orders.every((o) => Array.isArray(o.notifications)),
    });
}

/** The history of one of the heavy buyers: the pages n-plus-one and sequential-calls slow down. */
export const browseHistory = ({ include = false } = {}) => listOrders({ customer: heavyCustomerId(), include });

export async function getNotifications(order) {
  check(await get(`/api/notifications?orderId=${order.id}`, 'get_notifications'), {
    'get_notifications: 200': (r) => r.status === 200,
    // Delivery is asynchronous (outbox → RabbitMQ): none yet is fine, someone else's is not.
    'get_notifications: only this order’s notifications': (r) =>
      Array.isArray(parse(r)?.data) && parse(r).data.every((n) => n.orderId === order.id),
  });
}

/** A shopper: places an order; ~30% then look at their history, ~20% at its notifications. What baseline, soak, spike and breakpoint run. */
export async function shopper() {
  const order = await placeOrder();
  if (chance(0.3)) await listOrders({ customer: order?.customerId ?? customerId(), include: chance(0.3) });
  if (order && chance(0.2)) await getNotifications(order);
}

/** Places `perCustomer` orders for each heavy buyer (setup of the history scenarios), so every page is full. */
export async function seedHistory(perCustomer = 20) {
  for (let i = 0; i < HEAVY_BUYERS * perCustomer; i++)
    await placeOrder({ order: newOrder({ customer: `c-${1 + (i % HEAVY_BUYERS)}` }), retryShare: 0, readBackShare: 0 });
}

/** Client mistakes get clear 4xx answers, never a 500 (smoke). */
export async function clientMistakes() {
  const body = {
    customerId: 'c-1',
    items: [{ sku: 'SKU-100', quantity: 0, unitPrice: 1 }],
    payment: { cardNumber: '4242424242424241' },
  };
  check(
    await request({
      method: 'POST',
      url: `${GATEWAY_URL}/api/orders`,
      body,
      headers: JSON_HEADERS,
      tags: { endpoint: 'create_order_invalid' },
      expect: [400],
    }),
    {
      'create_order_invalid: 400 naming each bad field': (r) =>
        r.status === 400 &&
        ['items.0.quantity', 'payment.cardNumber'].every((f) => (parse(r)?.errors ?? []).some((e) => e.field === f)),
    },
  );
  const unknown = await get(
    `/api/orders/00000000-0000-4000-8000-${String(Date.now()).slice(-12).padStart(12, '0')}`,
    'get_order_unknown',
    [404],
  );
  check(unknown, { 'get_order_unknown: 404 as JSON': (r) => r.status === 404 && isErrorJson(r) });
}
