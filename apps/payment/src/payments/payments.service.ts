import { isUniqueViolation } from '@app/common';
import { type ChargeRequestDto, cardLast4 } from '@app/contracts';
import { FaultRegistry } from '@app/faults';
import { BadGatewayException, ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Repository } from 'typeorm';
import { CardProvider, ProviderError, type ProviderOutcome } from './card-provider.js';
import { Payment } from './payment.entity.js';

export interface ChargeResult {
  payment: Payment;
  /** False when this order had already been charged and the first result is returned. */
  created: boolean;
}

@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);

  constructor(
    @InjectRepository(Payment) private readonly payments: Repository<Payment>,
    private readonly provider: CardProvider,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {}

  /**
   * Charges an order at most once. The row is claimed (`processing`, unique
   * order id) before the provider is called, so a retry or a concurrent
   * duplicate gets the first charge instead of a second one.
   */
  async charge(request: ChargeRequestDto): Promise<ChargeResult> {
    // retry-storm: payment is slow for every call, so the caller's short deadline always fires.
    const storm = this.faults.active('retry-storm');
    if (storm && storm.latencyMs > 0) await sleep(storm.latencyMs);
    const existing = await this.payments.findOneBy({ orderId: request.orderId });
    if (existing) return this.replay(existing, request);

    const now = new Date();
    const payment = this.payments.create({
      id: randomUUID(),
      orderId: request.orderId,
      status: 'processing',
      amountCents: request.amountCents,
      currency: request.currency,
      cardLast4: cardLast4(request.cardNumber),
      declineReason: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.payments.insert(payment);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return this.replay(await this.payments.findOneByOrFail({ orderId: request.orderId }), request);
    }

    let outcome: ProviderOutcome;
    try {
      outcome = await this.provider.authorize(request.orderId, request.amountCents, request.cardNumber);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // Nothing was charged: drop the claim so a retry (or the reconciler's question) sees no payment.
      await this.payments.delete({ id: payment.id, status: 'processing' });
      this.logger.error({ msg: error.message, order_id: request.orderId, provider_status: error.status });
      throw new BadGatewayException(`${error.message}; nothing was charged`);
    }
    payment.status = outcome.approved ? 'approved' : 'declined';
    payment.declineReason = outcome.approved ? null : outcome.reason;
    payment.updatedAt = new Date();
    await this.payments.update(
      { id: payment.id },
      { status: payment.status, declineReason: payment.declineReason, updatedAt: payment.updatedAt },
    );
    this.logger.log({
      msg: `payment ${payment.status}`,
      order_id: payment.orderId,
      payment_id: payment.id,
      payment_outcome: payment.status,
      amount_cents: payment.amountCents,
    });
    return { payment, created: true };
  }

  async get(id: string): Promise<Payment> {
    const payment = await this.payments.findOneBy({ id });
    if (!payment) throw new NotFoundException(`Payment ${id} not found`);
    return payment;
  }

  async findByOrder(orderId: string): Promise<Payment> {
    const payment = await this.payments.findOneBy({ orderId });
    if (!payment) throw new NotFoundException(`No payment for order ${orderId}`);
    return payment;
  }

  private replay(existing: Payment, request: ChargeRequestDto): ChargeResult {
    if (existing.amountCents !== request.amountCents || existing.cardLast4 !== cardLast4(request.cardNumber)) {
      throw new ConflictException(`Order ${request.orderId} was already charged with a different amount or card`);
    }
    if (existing.status === 'processing') {
      throw new ConflictException(`Payment for order ${request.orderId} is still being processed`);
    }
    return { payment: existing, created: false };
  }
}
