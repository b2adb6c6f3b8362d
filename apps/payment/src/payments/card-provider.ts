import { DECLINED_TEST_CARD } from '@app/contracts';
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

  async authorize(cardNumber: string): Promise<ProviderOutcome> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    return decide(cardNumber);
  }
}
