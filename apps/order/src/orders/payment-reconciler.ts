import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { OrderEnv } from '../config/env.validation.js';
import { ReconcilePendingOrders } from './reconcile-pending-orders.js';

/** Periodically settles orders whose synchronous payment call failed or timed out. */
@Injectable()
export class PaymentReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentReconciler.name);
  private readonly intervalMs: number;
  private readonly graceMs: number;
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly reconcile: ReconcilePendingOrders,
    env: OrderEnv,
  ) {
    this.intervalMs = env.RECONCILE_INTERVAL_MS;
    // Never race a request that is still waiting for its own payment answer.
    this.graceMs = env.PAYMENT_TIMEOUT_MS + 1_000;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reconcile
        .execute(this.graceMs)
        .then((settled) => {
          if (settled > 0) this.logger.log(`settled ${settled} pending order(s)`);
        })
        .catch((error: unknown) => this.logger.warn(`reconciliation postponed: ${(error as Error).message}`))
        .finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
