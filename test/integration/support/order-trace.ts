import type { CollectedSpan } from '../../../scripts/waterfall/index.js';
import { expect, it } from 'vitest';
import { SERVICES } from './stack.js';

/** Lookups in one trace's spans; `spans()` is read at each call, so a suite can fill it in its beforeAll. */
export function spanLookup(spans: () => CollectedSpan[]) {
  const byId = (id: string | undefined) => spans().find((s) => s.spanId === id);
  const find = (service: string, predicate: (s: CollectedSpan) => boolean) =>
    spans().find((s) => s.service === service && predicate(s));
  const ancestors = (span: CollectedSpan): CollectedSpan[] => {
    const chain: CollectedSpan[] = [];
    for (let p = byId(span.parentSpanId); p; p = byId(p.parentSpanId)) chain.push(p);
    return chain;
  };
  return { byId, find, ancestors };
}

export interface OrderTrace {
  /** The whole trace of one paid order, as the backend returns it. */
  spans: CollectedSpan[];
  orderId: string;
}

/**
 * The shape every trace backend must show for one paid order, whichever exporter brought it there:
 * the four services under the gateway's server span, gateway ⊃ order ⊃ payment, and the notification
 * consumer linked through the outbox. `spanName` maps a name as the code writes it to the backend's
 * (Zipkin lower-cases them).
 */
export function itShowsOneOrder(trace: () => OrderTrace, spanName: (name: string) => string = (name) => name): void {
  const { byId, find, ancestors } = spanLookup(() => trace().spans);

  it('holds gateway, order, payment and notification in one trace with one root', () => {
    const { spans } = trace();
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(SERVICES));
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    // One root (the gateway's server span); every other parent is in the trace: no "invalid parent" warnings.
    expect(spans.filter((s) => !s.parentSpanId).map((s) => `${s.service} ${s.name}`)).toEqual([
      `gateway ${spanName('POST /api/orders')}`,
    ]);
    expect(spans.filter((s) => s.parentSpanId && !byId(s.parentSpanId))).toEqual([]);
  });

  it('nests gateway ⊃ order ⊃ payment', () => {
    const gateway = find('gateway', (s) => s.kind === 'server')!;
    const order = find('order', (s) => s.kind === 'server')!;
    const payment = find('payment', (s) => s.kind === 'server')!;
    expect(ancestors(order)).toContain(gateway);
    expect(byId(order.parentSpanId)).toMatchObject({ service: 'gateway', kind: 'client' });
    expect(ancestors(payment)).toContain(order);
    expect(byId(payment.parentSpanId)).toMatchObject({ service: 'order', kind: 'client' });
    expect(payment.name).toBe(spanName('POST /payments'));
    const authorize = find('payment', (s) => s.name === 'payment.authorize')!;
    expect(authorize.attributes).toMatchObject({ 'order.id': trace().orderId, 'payment.outcome': 'approved' });
  });

  it('links the notification consumer through the outbox send span', () => {
    const send = find('order', (s) => s.name === 'send notifications')!;
    expect(send).toMatchObject({ kind: 'producer' });
    expect(send.attributes).toMatchObject({ 'order.id': trace().orderId, 'order.event_type': 'order.paid' });
    expect(ancestors(send)).toContain(find('order', (s) => s.kind === 'server'));
    const consume = find('notification', (s) => s.kind === 'consumer')!;
    expect(ancestors(consume)).toContain(send);
    const deliver = find('notification', (s) => s.name === 'notification.deliver')!;
    expect(ancestors(deliver)).toContain(consume);
    expect(deliver.attributes['order.id']).toBe(trace().orderId);
  });
}
