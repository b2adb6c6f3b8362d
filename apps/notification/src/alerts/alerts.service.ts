import { DEFAULT_PAGE_SIZE } from '@app/contracts';
import { isUniqueViolation } from '@app/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { Alert } from './alert.entity.js';
import { ALERTS_RECEIVED } from './alerts.metrics.js';
import type { AlertmanagerAlert, AlertmanagerWebhook } from './dto/alertmanager-webhook.dto.js';
import type { ListAlertsQueryDto } from './dto/list-alerts-query.dto.js';

export interface ReceiveResult {
  /** Alerts stored by this notification. */
  stored: number;
  /** Alerts already stored by an earlier notification (Alertmanager re-sends). */
  duplicates: number;
}

const clip = (value: string | undefined, max: number): string | null =>
  value === undefined ? null : value.slice(0, max);

/** Alertmanager sends the zero time (`0001-01-01T00:00:00Z`) as the end of a firing alert. */
function endOf(alert: AlertmanagerAlert): Date | null {
  const endsAt = new Date(alert.endsAt);
  return alert.status === 'firing' || endsAt.getUTCFullYear() <= 1 ? null : endsAt;
}

/** The row for one alert; label values are clipped to their columns (PostgreSQL enforces the lengths). */
export function toAlert(alert: AlertmanagerAlert, receivedAt: Date): Alert {
  return Object.assign(new Alert(), {
    id: randomUUID(),
    fingerprint: alert.fingerprint,
    status: alert.status,
    alertname: clip(alert.labels.alertname, 200) ?? 'unnamed',
    severity: clip(alert.labels.severity, 32),
    service: clip(alert.labels.service, 64),
    summary: clip(alert.annotations.summary, 1000),
    startsAt: new Date(alert.startsAt),
    endsAt: endOf(alert),
    receivedAt,
    labels: alert.labels,
  });
}

@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);

  constructor(
    @InjectRepository(Alert) private readonly alerts: Repository<Alert>,
    @InjectMetric(ALERTS_RECEIVED) private readonly received: Counter<'alertname' | 'severity' | 'status'>,
  ) {}

  /**
   * Stores each alert of a webhook notification once per (fingerprint, status,
   * startsAt). Idempotent, so Alertmanager may retry a notification that failed.
   */
  async receive(payload: AlertmanagerWebhook): Promise<ReceiveResult> {
    if (payload.truncatedAlerts) {
      this.logger.warn({
        msg: `Alertmanager left ${payload.truncatedAlerts} alerts out of a notification (max_alerts)`,
        receiver: payload.receiver,
      });
    }
    const receivedAt = new Date();
    const result: ReceiveResult = { stored: 0, duplicates: 0 };
    for (const alert of payload.alerts) {
      if (await this.store(toAlert(alert, receivedAt))) result.stored++;
      else result.duplicates++;
    }
    return result;
  }

  list(query: ListAlertsQueryDto): Promise<Alert[]> {
    return this.alerts.find({
      where: query.status ? { status: query.status } : {},
      order: { receivedAt: 'DESC', startsAt: 'DESC', id: 'DESC' },
      take: query.limit ?? DEFAULT_PAGE_SIZE,
    });
  }

  /** False when this state of the alert was already stored. */
  private async store(alert: Alert): Promise<boolean> {
    const key = { fingerprint: alert.fingerprint, status: alert.status, startsAt: alert.startsAt };
    // Look first: a failed INSERT would put an error in the database log for every re-send.
    if (await this.alerts.existsBy(key)) return false;
    try {
      await this.alerts.insert(alert);
    } catch (error) {
      if (isUniqueViolation(error)) return false; // a concurrent delivery (Alertmanager HA peers) stored it first
      throw error;
    }
    this.record(alert);
    return true;
  }

  private record(alert: Alert): void {
    const severity = alert.severity ?? 'none';
    this.received.inc({ alertname: alert.alertname, severity, status: alert.status });
    const fields = {
      alertname: alert.alertname,
      severity,
      alert_service: alert.service,
      fingerprint: alert.fingerprint,
      summary: alert.summary,
    };
    if (alert.status === 'firing') this.logger.warn({ msg: `alert firing: ${alert.alertname}`, ...fields });
    else this.logger.log({ msg: `alert resolved: ${alert.alertname}`, ...fields });
  }
}
