import { DECLINED_TEST_CARD } from '@app/contracts';
import { paymentsProcessed, withSpan } from '@app/observability';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';

export type ProviderOutcome = { approved: true } | { approved: false; reason: string };

/** The decision a card provider makes, without the network: pure, so it is unit-tested. */
export function decide(cardNumber: string): ProviderOutcome {
  if (cardNumber === DECLINED_TEST_CARD) return { approved: false, reason: 'card_declined' };
  return { approved: true };
}

/**
 * Stands in for the external card provider (acquirer) the payment service
 * would call: it takes PAYMENT_PROVIDER_LATENCY_MS and then decides.
 */
@Injectable()
export class CardProvider {
  private readonly latencyMs: number;

  constructor(@Inject(ConfigService) config: ConfigService) {
    this.latencyMs = config.getOrThrow<number>('PAYMENT_PROVIDER_LATENCY_MS');
  }

  /** The card number goes to the provider only: it is in no span attribute, log or metric. */
  async authorize(orderId: string, amountCents: number, cardNumber: string): Promise<ProviderOutcome> {
    return withSpan(
      'payment.authorize',
      { attributes: { 'order.id': orderId, 'payment.amount_cents': amountCents, 'payment.provider': 'simulated' } },
      async (span) => {
        if (this.latencyMs > 0) await sleep(this.latencyMs);
        const outcome = decide(cardNumber);
        span.setAttribute('payment.outcome', outcome.approved ? 'approved' : 'declined');
        if (!outcome.approved) span.setAttribute('payment.decline_reason', outcome.reason);
        paymentsProcessed.inc({ outcome: outcome.approved ? 'approved' : 'declined' });
        return outcome;
      },
    );
  }
}
