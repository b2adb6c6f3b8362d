import { DownstreamClient } from '@app/common';
import type { ChargeRequestDto, PaymentView } from '@app/contracts';
import { HttpException, Inject, Injectable } from '@nestjs/common';

export const PAYMENT_HTTP = Symbol('PAYMENT_HTTP');

/** The order service's view of the payment service. */
@Injectable()
export class PaymentClient {
  constructor(@Inject(PAYMENT_HTTP) private readonly http: DownstreamClient) {}

  async charge(request: ChargeRequestDto): Promise<PaymentView> {
    const { body } = await this.http.request<PaymentView>({ method: 'POST', path: '/payments', body: request });
    return body;
  }

  /** The payment recorded for an order, or null when the payment service never received it. */
  async findByOrder(orderId: string): Promise<PaymentView | null> {
    try {
      const { body } = await this.http.request<PaymentView>({ path: '/payments', query: { orderId } });
      return body;
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 404) return null;
      throw error;
    }
  }
}
