import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One state (firing or resolved) of one Alertmanager alert, as delivered to the webhook. */
@Entity({ name: 'alerts' })
@Index('uq_alerts_occurrence', ['fingerprint', 'status', 'startsAt'], { unique: true })
@Index('idx_alerts_received', ['receivedAt'])
export class Alert {
  @PrimaryColumn()
  id!: string;

  /** Alertmanager's hash of the alert's labels: the same alert keeps it across re-sends. */
  @Column()
  fingerprint!: string;

  @Column({ type: 'varchar' })
  status!: AlertStatus;

  @Column()
  alertname!: string;

  @Column({ type: 'varchar', nullable: true })
  severity!: string | null;

  /** The `service` label: which of the workshop's services the alert is about. */
  @Column({ type: 'varchar', nullable: true })
  service!: string | null;

  @Column({ type: 'varchar', nullable: true })
  summary!: string | null;

  @Column({ name: 'starts_at' })
  startsAt!: Date;

  /** Null while firing (Alertmanager sends the zero time). */
  @Column({ name: 'ends_at', type: Date, nullable: true })
  endsAt!: Date | null;

  @Column({ name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'simple-json' })
  labels!: Record<string, string>;
}

export interface AlertView {
  id: string;
  fingerprint: string;
  status: AlertStatus;
  alertname: string;
  severity: string | null;
  service: string | null;
  summary: string | null;
  startsAt: string;
  endsAt: string | null;
  receivedAt: string;
  labels: Record<string, string>;
}

export function toAlertView(a: Alert): AlertView {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    status: a.status,
    alertname: a.alertname,
    severity: a.severity,
    service: a.service,
    summary: a.summary,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt?.toISOString() ?? null,
    receivedAt: a.receivedAt.toISOString(),
    labels: a.labels,
  };
}
