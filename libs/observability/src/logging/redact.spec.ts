import { describe, expect, it } from 'vitest';
import { maskCardNumbers, maskCardNumbersInText } from './redact.js';

describe('maskCardNumbersInText()', () => {
  it('masks a Luhn-valid card number to its last four digits', () => {
    expect(maskCardNumbersInText('card 4242424242424242 used')).toBe('card [CARD ****4242] used');
  });

  it('masks grouped numbers with spaces or dashes', () => {
    expect(maskCardNumbersInText('4242 4242 4242 4242')).toBe('[CARD ****4242]');
    expect(maskCardNumbersInText('5555-5555-5555-4444')).toBe('[CARD ****4444]');
  });

  it('leaves ids, timestamps and numbers that fail the Luhn check alone', () => {
    for (const text of [
      'order 6f1c4e0e-6a43-4a8e-9a0e-9f1c2b3d4e5f',
      '1764072000000',
      '4242424242424241',
      'total 2500',
    ]) {
      expect(maskCardNumbersInText(text)).toBe(text);
    }
  });
});

describe('maskCardNumbers()', () => {
  it('masks card numbers in any field at any depth, including arrays and numbers', () => {
    const masked = maskCardNumbers({
      body: { payment: { cardNumber: '4242424242424242' }, note: 'pay with 5555555555554444' },
      list: ['378282246310005'],
      raw: 4242424242424242,
      keep: 42,
    });
    expect(JSON.stringify(masked)).not.toMatch(/4242424242424242|5555555555554444|378282246310005/);
    expect(masked.keep).toBe(42);
    expect(masked.body.payment.cardNumber).toBe('[CARD ****4242]');
  });

  it('does not change the object it was given', () => {
    const original = { cardNumber: '4242424242424242' };
    maskCardNumbers(original);
    expect(original.cardNumber).toBe('4242424242424242');
  });
});
