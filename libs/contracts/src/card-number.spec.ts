import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DECLINED_TEST_CARD, cardLast4, isValidCardNumber, passesLuhn } from './card-number.js';
import { PaymentDetailsDto } from './orders.js';

describe('passesLuhn()', () => {
  it('accepts well-known test card numbers', () => {
    for (const n of ['4242424242424242', '5555555555554444', '378282246310005', '6011111111111117']) {
      expect(passesLuhn(n)).toBe(true);
    }
  });

  it('rejects a number whose last digit is off by one', () => {
    expect(passesLuhn('4242424242424243')).toBe(false);
  });
});

describe('isValidCardNumber()', () => {
  it('accepts 13 to 19 digits with a valid checksum', () => {
    expect(isValidCardNumber('4222222222222')).toBe(true); // 13 digits
    expect(isValidCardNumber('6011000990139424')).toBe(true);
  });

  it('rejects too short, too long, non-digits, separators and non-strings', () => {
    expect(isValidCardNumber('42424242')).toBe(false);
    expect(isValidCardNumber('42424242424242424242')).toBe(false);
    expect(isValidCardNumber('4242 4242 4242 4242')).toBe(false);
    expect(isValidCardNumber('4242-4242-4242-4242')).toBe(false);
    expect(isValidCardNumber('abcdabcdabcdabcd')).toBe(false);
    expect(isValidCardNumber(4242424242424242)).toBe(false);
    expect(isValidCardNumber(undefined)).toBe(false);
  });

  it('accepts the documented always-declined test card, so a decline reaches the payment service', () => {
    expect(isValidCardNumber(DECLINED_TEST_CARD)).toBe(true);
  });
});

describe('cardLast4()', () => {
  it('keeps only the last four digits', () => {
    expect(cardLast4('4242424242424242')).toBe('4242');
  });
});

describe('IsCardNumber', () => {
  it('names the field in its message', () => {
    const errors = validateSync(plainToInstance(PaymentDetailsDto, { cardNumber: '1234567890123' }));
    expect(errors).toHaveLength(1);
    expect(errors[0].property).toBe('cardNumber');
    expect(Object.values(errors[0].constraints ?? {})[0]).toContain('cardNumber must be 13 to 19 digits');
  });
});
