import { DECLINED_TEST_CARD } from '@app/contracts';
import { FaultRegistry, burnCpu } from '@app/faults';
import { paymentsProcessed, withSpan } from '@app/observability';
import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentEnv } from '../config/env.validation.js';

export type ProviderOutcome = { approved: true } | { approved: false; reason: string };

/** The provider answered with an error instead of a decision (the payment-errors fault). */
export class ProviderError extends Error {
  constructor(readonly status: number) {
    super(`card provider answered ${status}`);
    this.name = 'ProviderError';
  }
}

/** The decision a card provider makes, without the network: pure, so it is unit-tested. */
export function decide(cardNumber: string): ProviderOutcome {
  if (cardNumber === DECLINED_TEST_CARD) return { approved: false, reason: 'card_declined' };
  return { approved: true };
}

/**
 * Stands in for the external card provider (acquirer) the payment service
 * would call: it takes PAYMENT_PROVIDER_LATENCY_MS and then decides. The
 * payment-latency, payment-errors and event-loop-block faults act here.
 */
@Injectable()
export class CardProvider {
  private readonly latencyMs: number;

  constructor(
    @Inject(PaymentEnv) env: PaymentEnv,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {
    this.latencyMs = env.PAYMENT_PROVIDER_LATENCY_MS;
  }

  /** The card number goes to the provider only: it is in no span attribute, log or metric. */
  async authorize(orderId: string, amountCents: number, cardNumber: string): Promise<ProviderOutcome> {
    await this.fraudScore(orderId);
    return withSpan(
      'payment.authorize',
      { attributes: { 'order.id': orderId, 'payment.amount_cents': amountCents, 'payment.provider': 'simulated' } },
      async (span) => {
        const latencyMs = this.latencyMs + (this.faults.hit('payment-latency')?.latencyMs ?? 0);
        if (latencyMs > 0) await sleep(latencyMs);
        const failure = this.faults.hit('payment-errors');
        if (failure) {
          paymentsProcessed.inc({ outcome: 'error' });
          throw new ProviderError(failure.status);
        }
        const outcome = decide(cardNumber);
        span.setAttribute('payment.outcome', outcome.approved ? 'approved' : 'declined');
        if (!outcome.approved) span.setAttribute('payment.decline_reason', outcome.reason);
        paymentsProcessed.inc({ outcome: outcome.approved ? 'approved' : 'declined' });
        return outcome;
      },
    );
  }

  /** event-loop-block: a fraud score computed synchronously on the event loop. */
  private async fraudScore(orderId: string): Promise<void> {
    const fault = this.faults.hit('event-loop-block');
    if (!fault) return;
    await withSpan('payment.fraud_score', { attributes: { 'order.id': orderId } }, async (span) => {
      span.setAttribute('payment.fraud_score', burnCpu(fault.blockMs) % 100);
    });
  }
}
