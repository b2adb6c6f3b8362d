import { DECLINED_TEST_CARD } from '@app/contracts';
import { FaultRegistry, burnCpu } from '@app/faults';
import {
  ATTR_ORDER_ID,
  ATTR_PAYMENT_AMOUNT_CENTS,
  ATTR_PAYMENT_DECLINE_REASON,
  ATTR_PAYMENT_FRAUD_SCORE,
  ATTR_PAYMENT_OUTCOME,
  ATTR_PAYMENT_PROVIDER,
  withSpan,
} from '@app/observability';
import { Inject, Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentEnv } from '../config/env.validation.js';
import { PAYMENTS } from './payment.metrics.js';

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
    @InjectMetric(PAYMENTS) private readonly payments: Counter<'outcome'>,
  ) {
    this.latencyMs = env.PAYMENT_PROVIDER_LATENCY_MS;
  }

  /** The card number goes to the provider only: it is in no span attribute, log or metric. */
  async authorize(orderId: string, amountCents: number, cardNumber: string): Promise<ProviderOutcome> {
    await this.fraudScore(orderId);
    return withSpan(
      'payment.authorize',
      {
        attributes: {
          [ATTR_ORDER_ID]: orderId,
          [ATTR_PAYMENT_AMOUNT_CENTS]: amountCents,
          [ATTR_PAYMENT_PROVIDER]: 'simulated',
        },
      },
      async (span) => {
        const latencyMs = this.latencyMs + (this.faults.hit('payment-latency')?.latencyMs ?? 0);
        if (latencyMs > 0) await sleep(latencyMs);
        const failure = this.faults.hit('payment-errors');
        if (failure) {
          this.payments.inc({ outcome: 'error' });
          throw new ProviderError(failure.status);
        }
        const outcome = decide(cardNumber);
        span.setAttribute(ATTR_PAYMENT_OUTCOME, outcome.approved ? 'approved' : 'declined');
        if (!outcome.approved) span.setAttribute(ATTR_PAYMENT_DECLINE_REASON, outcome.reason);
        this.payments.inc({ outcome: outcome.approved ? 'approved' : 'declined' });
        return outcome;
      },
    );
  }

  /** event-loop-block: a fraud score computed synchronously on the event loop. */
  private async fraudScore(orderId: string): Promise<void> {
    const fault = this.faults.hit('event-loop-block');
    if (!fault) return;
    await withSpan('payment.fraud_score', { attributes: { [ATTR_ORDER_ID]: orderId } }, async (span) => {
      span.setAttribute(ATTR_PAYMENT_FRAUD_SCORE, burnCpu(fault.blockMs) % 100);
    });
  }
}
