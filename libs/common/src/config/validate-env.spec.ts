import { IsUrl } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DataEnv } from './base-env.js';
import { InvalidEnvironmentError, printable, validateEnv } from './validate-env.js';

class TestEnv extends DataEnv {
  override PORT = 3000;

  @IsUrl({ require_tld: false })
  UPSTREAM_URL: string = 'http://127.0.0.1:1';
}

const validate = (raw: Record<string, string>) => validateEnv(TestEnv, raw);
const DB = 'postgres://workshop@127.0.0.1/orders';

describe('validateEnv()', () => {
  it('applies defaults and converts numbers', () => {
    const env = validate({ PORT: '4000', DATABASE_URL: DB });
    expect(env.PORT).toBe(4000);
    expect(env.DB_POOL_SIZE).toBe(10);
  });

  it('holds only the variables the class declares, not the rest of the process environment', () => {
    const env = validateEnv(TestEnv, { DATABASE_URL: DB, PATH: '/usr/bin', OTEL_SERVICE_NAME: 'x' });
    expect(Object.keys(env)).not.toContain('PATH');
    expect(Object.keys(env)).not.toContain('OTEL_SERVICE_NAME');
    expect(env.DATABASE_URL).toBe(DB);
  });

  it('treats an empty variable as unset, and names a required one that is missing', () => {
    expect(validate({ PORT: '', DATABASE_URL: DB }).PORT).toBe(3000);
    expect(() => validate({ DATABASE_URL: '' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
  });

  it('names every malformed variable and the value it got', () => {
    try {
      validate({ PORT: 'eighty', DATABASE_URL: 'mysql://db', UPSTREAM_URL: 'not a url' });
      expect.unreachable('validation should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      const message = (error as Error).message;
      expect(message).toMatch(/PORT must be an integer number.*\(got "eighty"\)/);
      expect(message).toMatch(/DATABASE_URL must be a postgres:\/\/ URL \(got "mysql:\/\/db"\)/);
      expect(message).toContain('UPSTREAM_URL');
      expect((error as InvalidEnvironmentError).problems).toHaveLength(3);
    }
  });

  it('never prints a secret or a URL password it rejects', () => {
    try {
      validate({ DATABASE_URL: 'mysql://user:hunter2@db/x', API_TOKEN: 'short' } as never);
      expect.unreachable('validation should have failed');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).toContain('mysql://user:***@db/x');
    }
    expect(printable('ALERT_WEBHOOK_TOKEN', 'abc')).toBe('a value of 3 characters');
  });

  it('rejects an out-of-range number', () => {
    expect(() => validate({ PORT: '70000', DATABASE_URL: DB })).toThrow(/PORT must not be greater than 65535/);
  });
});
