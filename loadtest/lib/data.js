// Realistic shop traffic: many customers (a few heavy buyers, a long tail), carts of 1–5 items
// from a priced catalogue, mostly approved cards and about one in ten declined.

/** The always-declined test card (libs/contracts DECLINED_TEST_CARD), and well-known ones that pass the Luhn check and are approved. */
const DECLINED_CARD = '4000000000000002';
const APPROVED_CARDS = ['4242424242424242', '5555555555554444', '4111111111111111', '378282246310005'];

/** 40 SKUs with prices of at most two decimals. */
const CATALOGUE = Array.from({ length: 40 }, (_, i) => ({
  sku: `SKU-${100 + i}`,
  unitPrice: Math.round((2 + ((i * 37) % 200) + (i % 4) * 0.25) * 100) / 100,
}));

const pick = (n) => Math.floor(Math.random() * n);
export const chance = (share) => Math.random() < share;

/** A customer id, log-uniform over c-1…c-2000: c-1…c-10 place about 30% of the orders, so their histories are long. */
export const customerId = () => `c-${Math.min(2000, Math.ceil(Math.pow(2000, Math.random())))}`;

/** The heavy buyers c-1…c-5, whose order history the history scenarios read (and seed). */
export const HEAVY_BUYERS = 5;
export const heavyCustomerId = () => `c-${1 + pick(HEAVY_BUYERS)}`;

/** A cart: 1–5 distinct items, quantities 1–4, ~`declinedShare` of the cards declined. Its body, whether it must be declined, its total. */
export function newOrder({ declinedShare = 0.1, customer = customerId(), declined = chance(declinedShare) } = {}) {
  const start = pick(CATALOGUE.length);
  const items = Array.from({ length: 1 + pick(5) }, (_, i) => ({
    ...CATALOGUE[(start + i * 7) % CATALOGUE.length],
    quantity: 1 + pick(4),
  }));
  const cardNumber = declined ? DECLINED_CARD : APPROVED_CARDS[pick(APPROVED_CARDS.length)];
  // Money in integer cents, as the services compute it.
  const total = items.reduce((sum, it) => sum + it.quantity * Math.round(it.unitPrice * 100), 0) / 100;
  return { body: { customerId: customer, items, payment: { cardNumber } }, declined, total };
}

/** A unique Idempotency-Key (1–255 visible ASCII characters). */
export const idempotencyKey = () => `load-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
