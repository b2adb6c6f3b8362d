import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const PAYMENTS = 'payments_total';

/** The payment service's business metrics, provided by PaymentsModule. */
export const paymentMetrics = [
  makeCounterProvider({
    name: PAYMENTS,
    help: 'Card authorizations, by outcome (approved, declined, error).',
    labelNames: ['outcome'],
  }),
];
