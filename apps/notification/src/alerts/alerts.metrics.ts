import { counter } from '@app/observability';

/** Alerts stored from the webhook; a re-send of a stored alert is not counted. */
export const alertsReceived = counter<'alertname' | 'severity' | 'status'>({
  name: 'alerts_received_total',
  help: 'Alerts Alertmanager delivered to the webhook, by alertname, severity and status; re-sends of a stored alert are not counted.',
  labelNames: ['alertname', 'severity', 'status'],
});
