import { DownstreamClient, type DownstreamRequest } from '@app/common';
import type { ChargeRequestDto, PaymentView } from '@app/contracts';
import { FaultRegistry } from '@app/faults';
import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';

export const PAYMENT_HTTP = Symbol('PAYMENT_HTTP');

/** Where the downstream-down fault sends payment calls: a privileged port nothing listens on (connection refused; not one of fetch's blocked ports). */
export const UNREACHABLE_URL = 'http://127.0.0.1:2';

/** The order service's view of the payment service. */
@Injectable()
export class PaymentClient {
  private readonly logger = new Logger(PaymentClient.name);

  constructor(
    @Inject(PAYMENT_HTTP) private readonly http: DownstreamClient,
    @Inject(FaultRegistry) private readonly faults: FaultRegistry,
  ) {}

  async charge(request: ChargeRequestDto): Promise<PaymentView> {
    const call: DownstreamRequest = { method: 'POST', path: '/payments', body: request };
    const storm = this.faults.active('retry-storm');
    if (!storm) return (await this.send<PaymentView>(call)).body;

    // The retry-storm fault: a short deadline and immediate retries, no backoff, no breaker.
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.send<PaymentView>({ ...call, timeoutMs: storm.timeoutMs, circuit: false })).body;
      } catch (error) {
        // Naive on purpose: it retries "still processing" (409) too, piling more calls on a slow payment.
        const retriable = error instanceof HttpException && (error.getStatus() >= 500 || error.getStatus() === 409);
        if (!retriable || attempt > (storm.retries ?? 0)) throw error;
        this.logger.warn({
          msg: `payment call failed (${(error as HttpException).getStatus()}), retrying at once (attempt ${attempt + 1})`,
          order_id: request.orderId,
          attempt: attempt + 1,
        });
      }
    }
  }

  /** The payment recorded for an order, or null when the payment service never received it. */
  async findByOrder(orderId: string): Promise<PaymentView | null> {
    try {
      const { body } = await this.send<PaymentView>({ path: '/payments', query: { orderId } });
      return body;
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 404) return null;
      throw error;
    }
  }

  private send<T>(call: DownstreamRequest) {
    // The downstream-down fault: the network path to payment is gone.
    if (this.faults.hit('downstream-down')) return this.http.request<T>({ ...call, baseUrl: UNREACHABLE_URL });
    return this.http.request<T>(call);
  }
}
