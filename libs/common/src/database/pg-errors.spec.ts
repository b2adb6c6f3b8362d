import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, isUniqueViolation } from './pg-errors.js';

const queryFailed = (code: string) =>
  new QueryFailedError('insert …', [], Object.assign(new Error('failed'), { code }));

describe('isUniqueViolation()', () => {
  it('is true only for a query that broke a unique constraint', () => {
    expect(isUniqueViolation(queryFailed('23505'))).toBe(true);
    expect(isUniqueViolation(queryFailed('23503'))).toBe(false);
    expect(isUniqueViolation(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
  });
});

describe('isDatabaseUnavailable()', () => {
  it('recognises a refused or dropped connection and a server shutting down', () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(queryFailed('57P01'))).toBe(true);
    expect(isDatabaseUnavailable(queryFailed('08006'))).toBe(true);
  });

  it('leaves query mistakes and other errors alone', () => {
    expect(isDatabaseUnavailable(queryFailed('42P01'))).toBe(false);
    expect(isDatabaseUnavailable(queryFailed('23505'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
