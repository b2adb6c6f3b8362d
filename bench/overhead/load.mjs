/**
 * A closed-loop load generator: N workers, each sends `POST /api/orders`,
 * waits for the whole answer, and sends the next one at once. Requests started
 * during the warm-up are not recorded; recording stops at the end of the
 * window, and in-flight requests are awaited but not counted.
 */
import { randomUUID } from 'node:crypto';

export const DECLINED_CARD = '4000000000000002';
/** Test cards that pass the Luhn check and are approved. */
const APPROVED_CARDS = ['4242424242424242', '4111111111111111', '5555555555554444', '378282246310005'];
const CATALOG = Array.from({ length: 40 }, (_, i) => ({
  sku: `SKU-${100 + i}`,
  unitPrice: Math.round((2 + ((i * 37) % 200) + (i % 4) * 0.25) * 100) / 100,
}));

/** A small deterministic PRNG, so both modes send the same sequence of orders. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One realistic order: 1–5 distinct items, one of 500 customers, a share of declined cards. */
export function makeOrder(random, declinedShare) {
  const pick = (n) => Math.floor(random() * n);
  const items = [];
  const count = 1 + pick(5);
  const start = pick(CATALOG.length);
  for (let i = 0; i < count; i++) {
    const { sku, unitPrice } = CATALOG[(start + i * 7) % CATALOG.length];
    items.push({ sku, quantity: 1 + pick(4), unitPrice });
  }
  const declined = random() < declinedShare;
  const cardNumber = declined ? DECLINED_CARD : APPROVED_CARDS[pick(APPROVED_CARDS.length)];
  return {
    order: { customerId: `c-${1 + pick(500)}`, items, payment: { cardNumber } },
    declined,
    withKey: random() < 0.5,
  };
}

/** Sends one order and checks the answer a user would check: 201 and the expected status. */
async function placeOrder(url, { order, declined, withKey }) {
  const headers = { 'content-type': 'application/json' };
  if (withKey) headers['idempotency-key'] = `bench-${randomUUID()}`;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await res.json().catch(() => undefined);
    if (res.status !== 201) return `HTTP ${res.status}`;
    const expected = declined ? 'payment_failed' : 'paid';
    return body?.status === expected ? undefined : `status ${body?.status} (expected ${expected})`;
  } catch (error) {
    return `${error?.name ?? 'Error'}: ${error?.cause?.code ?? error?.message ?? error}`;
  }
}

/**
 * Runs the load; `onMeasureStart`/`onMeasureEnd` are called at the window's
 * edges (for CPU snapshots). Returns latencies (ms, sorted) of the requests
 * started and finished inside the window, the window length, and failures.
 */
export async function runLoad({
  url,
  concurrency,
  warmupMs,
  durationMs,
  seed,
  declinedShare,
  onMeasureStart,
  onMeasureEnd,
}) {
  const began = performance.now();
  const windowStart = began + warmupMs;
  const windowEnd = windowStart + durationMs;
  const latencies = [];
  const failures = {};
  const timeline = []; // completions per second since the start, warm-up included: shows when the stack is warm
  let sent = 0;
  let failed = 0;
  let warmupFailed = 0;
  const measureStart = new Promise((resolve) => setTimeout(() => resolve(onMeasureStart?.()), warmupMs));
  const measureEnd = new Promise((resolve) => setTimeout(() => resolve(onMeasureEnd?.()), warmupMs + durationMs));

  const worker = async (index) => {
    const random = mulberry32(seed * 1000 + index);
    while (performance.now() < windowEnd) {
      const request = makeOrder(random, declinedShare);
      const start = performance.now();
      sent++;
      const failure = await placeOrder(url, request);
      const end = performance.now();
      const second = Math.floor((end - began) / 1000);
      timeline[second] = (timeline[second] ?? 0) + 1;
      const inWindow = start >= windowStart && end <= windowEnd;
      if (failure) {
        // Every failure counts, warm-up or window: a failing stack is not a result.
        if (inWindow) failed++;
        else warmupFailed++;
        failures[failure] = (failures[failure] ?? 0) + 1;
      } else if (inWindow) {
        latencies.push(end - start);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  await Promise.all([measureStart, measureEnd]);
  latencies.sort((a, b) => a - b);
  return {
    latencies,
    windowMs: durationMs,
    sent,
    failed,
    warmupFailed,
    failures,
    timeline: Array.from(timeline, (n) => n ?? 0),
  };
}
