import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const ORDERS_CREATED = 'orders_created_total';
export const ORDER_AMOUNT = 'order_amount';

/** The order service's business metrics, provided by OrdersModule. Label values are bounded sets. */
export const orderMetrics = [
  makeCounterProvider({
    name: ORDERS_CREATED,
    help: 'Orders created, by the status they had when the create request answered (paid, payment_failed, pending).',
    labelNames: ['status'],
  }),
  makeHistogramProvider({
    name: ORDER_AMOUNT,
    help: 'Order totals in currency units (USD), by currency.',
    labelNames: ['currency'],
    buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 5000, 25000],
  }),
];
