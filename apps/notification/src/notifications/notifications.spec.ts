import { OrderEvents } from '@app/contracts';
import { RmqContext, TcpContext } from '@nestjs/microservices';
import { describe, expect, it, vi } from 'vitest';
import { deliveryFor, retryDelayMs } from './delivery.js';
import { messageFor } from './notifications.service.js';

describe('messageFor()', () => {
  const base = { orderId: 'o-1', totalCents: 2500, currency: 'USD' as const, failureReason: null };

  it('tells the customer the order is paid, with the amount', () => {
    expect(messageFor({ ...base, type: OrderEvents.Paid })).toBe('Your order o-1 is paid: 25.00 USD.');
  });

  it('tells the customer why the payment failed', () => {
    expect(messageFor({ ...base, type: OrderEvents.PaymentFailed, failureReason: 'card_declined' })).toContain(
      'failed: card_declined',
    );
  });
});

describe('retryDelayMs()', () => {
  it('doubles with each attempt and is capped', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([100, 200, 400, 800]);
    expect(retryDelayMs(20)).toBe(2_000);
  });
});

describe('deliveryFor()', () => {
  const channel = { ack: vi.fn(), nack: vi.fn() };
  const message = { properties: { headers: { 'x-delivery-count': 2 } } };
  const rmq = new RmqContext([message, channel, 'order.paid'] as never);

  it('reads the attempt number from the quorum queue delivery count', () => {
    expect(deliveryFor(rmq).attempt).toBe(3);
  });

  it('acks, requeues, or dead-letters the RabbitMQ message', () => {
    const d = deliveryFor(rmq);
    d.ack();
    expect(channel.ack).toHaveBeenCalledWith(message);
    d.retry();
    expect(channel.nack).toHaveBeenLastCalledWith(message, false, true);
    d.deadLetter();
    expect(channel.nack).toHaveBeenLastCalledWith(message, false, false);
  });

  it('retries in process on the broker-less TCP transport', () => {
    const d = deliveryFor(new TcpContext([{} as never, 'order.paid']));
    expect(d.redelivers).toBe(false);
    expect(d.attempt).toBe(1);
  });
});
