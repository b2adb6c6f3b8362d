// Realistic shop traffic: many customers (a few heavy buyers, a long tail),
// carts of 1–5 items from a priced catalogue, mostly approved cards and about
// one in ten declined, Idempotency-Keys on most requests.

/** The always-declined test card (libs/contracts DECLINED_TEST_CARD). */
export const DECLINED_CARD = '4000000000000002';
/** Well-known test cards that pass the Luhn check and are approved. */
export const APPROVED_CARDS = ['4242424242424242', '5555555555554444', '4111111111111111', '378282246310005'];

export const CUSTOMERS = 2000;
/** Customers c-1 … c-HEAVY buy most (the log-uniform draw below favours them): their order history is long. */
export const HEAVY = 5;

/** 40 SKUs with prices of at most two decimals. */
export const CATALOGUE = Array.from({ length: 40 }, (_, i) => ({
  sku: `SKU-${100 + i}`,
  unitPrice: Math.round((2 + ((i * 37) % 200) + (i % 4) * 0.25) * 100) / 100,
}));

const pick = (n) => Math.floor(Math.random() * n);

/**
 * A customer id, log-uniform over 1…2000: c-1…c-10 place about 30% of the
 * orders, the long tail the rest — like a real shop, and it gives the order
 * history pages something to list.
 */
export function customerId() {
  return `c-${Math.min(CUSTOMERS, Math.ceil(Math.pow(CUSTOMERS, Math.random())))}`;
}

/** One of the heavy buyers, for the order-history traffic. */
export const heavyCustomerId = () => `c-${1 + pick(HEAVY)}`;

/**
 * A cart: 1–5 distinct items, quantities 1–4; ~`declinedShare` of the cards are
 * declined. Returns the body, whether it must be declined and its total.
 */
export function newOrder({ declinedShare = 0.1, customer = customerId(), declined = Math.random() < declinedShare } = {}) {
  const count = 1 + pick(5);
  const start = pick(CATALOGUE.length);
  const items = Array.from({ length: count }, (_, i) => {
    const { sku, unitPrice } = CATALOGUE[(start + i * 7) % CATALOGUE.length];
    return { sku, quantity: 1 + pick(4), unitPrice };
  });
  const cardNumber = declined ? DECLINED_CARD : APPROVED_CARDS[pick(APPROVED_CARDS.length)];
  // Money in integer cents, as the services compute it.
  const totalCents = items.reduce((sum, it) => sum + it.quantity * Math.round(it.unitPrice * 100), 0);
  return { body: { customerId: customer, items, payment: { cardNumber } }, declined, total: totalCents / 100 };
}

/** A unique Idempotency-Key (1–255 visible ASCII characters). */
export function idempotencyKey() {
  return `load-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export const chance = (share) => Math.random() < share;
