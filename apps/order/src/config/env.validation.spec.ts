import { validateEnv } from '@app/common';
import { describe, expect, it } from 'vitest';
import { OrderEnv } from './env.validation.js';

describe('OrderEnv', () => {
  const validate = (raw: Record<string, string>) => validateEnv(OrderEnv, raw);
  const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/orders', RABBITMQ_URL: 'amqp://127.0.0.1:5672' };

  it('holds outbox events for 15 s by default, longer than a publish may take', () => {
    expect(validate(base).OUTBOX_LEASE_MS).toBe(15_000);
  });

  it('rejects a lease a publish and its margin do not fit in, naming both variables', () => {
    expect(() => validate({ ...base, OUTBOX_PUBLISH_TIMEOUT_MS: '5000', OUTBOX_LEASE_MS: '6000' })).toThrow(
      /OUTBOX_LEASE_MS must be more than OUTBOX_PUBLISH_TIMEOUT_MS \(5000\) \+ 1000 \(got "6000"\)/,
    );
    expect(validate({ ...base, OUTBOX_PUBLISH_TIMEOUT_MS: '5000', OUTBOX_LEASE_MS: '6001' }).OUTBOX_LEASE_MS).toBe(
      6001,
    );
  });
});
