import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const ALERTS_RECEIVED = 'alerts_received_total';

/** Alerts stored from the webhook, provided by AlertsModule; a re-send of a stored alert is not counted. */
export const alertMetrics = [
  makeCounterProvider({
    name: ALERTS_RECEIVED,
    help: 'Alerts Alertmanager delivered to the webhook, by alertname, severity and status; re-sends of a stored alert are not counted.',
    labelNames: ['alertname', 'severity', 'status'],
  }),
];
