import { validateEnv } from '@app/common';
import { describe, expect, it } from 'vitest';
import { NotificationEnv } from '../config/env.validation.js';
import { bearerMatches } from './alert-webhook.guard.js';
import { toAlert } from './alerts.service.js';
import type { AlertmanagerAlert } from './dto/alertmanager-webhook.dto.js';

describe('bearerMatches()', () => {
  const token = 'a-long-enough-token-123';

  it('accepts the expected token, whatever the case of "Bearer"', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it('rejects a missing header, another scheme, or another token', () => {
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches(`Basic ${token}`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}x`, token)).toBe(false);
    expect(bearerMatches('Bearer ', token)).toBe(false);
  });
});

describe('toAlert()', () => {
  const received = new Date('2030-01-01T10:05:00Z');
  const alert = (patch: Partial<AlertmanagerAlert> = {}): AlertmanagerAlert => ({
    status: 'firing',
    labels: { alertname: 'ServiceDown', severity: 'critical', service: 'payment' },
    annotations: { summary: 'payment is down' },
    startsAt: '2030-01-01T10:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: 'c0ffee0123456789',
    ...patch,
  });

  it('reads alertname, severity and service from the labels and summary from the annotations', () => {
    expect(toAlert(alert(), received)).toMatchObject({
      alertname: 'ServiceDown',
      severity: 'critical',
      service: 'payment',
      summary: 'payment is down',
      startsAt: new Date('2030-01-01T10:00:00.123Z'),
      receivedAt: received,
    });
  });

  it('has no end while the alert fires (Alertmanager sends the zero time)', () => {
    expect(toAlert(alert(), received).endsAt).toBeNull();
  });

  it('keeps the end of a resolved alert', () => {
    expect(toAlert(alert({ status: 'resolved', endsAt: '2030-01-01T10:04:00Z' }), received).endsAt).toEqual(
      new Date('2030-01-01T10:04:00Z'),
    );
  });

  it('names an alert without an alertname label "unnamed" and clips long values to their columns', () => {
    const row = toAlert(
      alert({ labels: { service: 's'.repeat(100) }, annotations: { summary: 'x'.repeat(5000) } }),
      received,
    );
    expect(row).toMatchObject({ alertname: 'unnamed', severity: null });
    expect(row.service).toHaveLength(64);
    expect(row.summary).toHaveLength(1000);
  });
});

describe('NotificationEnv ALERT_WEBHOOK_TOKEN', () => {
  const validate = (raw: Record<string, string>) => validateEnv(NotificationEnv, raw);

  it('is optional', () => {
    expect(
      validate({ DATABASE_URL: 'postgres://workshop@127.0.0.1/notifications' }).ALERT_WEBHOOK_TOKEN,
    ).toBeUndefined();
  });

  it('stops the boot when the token is too short or contains spaces', () => {
    expect(() => validate({ ALERT_WEBHOOK_TOKEN: 'short' })).toThrow(
      /ALERT_WEBHOOK_TOKEN must be at least 16 characters/,
    );
    expect(() => validate({ ALERT_WEBHOOK_TOKEN: 'has a space in the middle' })).toThrow(
      /ALERT_WEBHOOK_TOKEN must be printable ASCII/,
    );
  });
});
