import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A card number that passes validation but is always declined by the payment
 * service, so a decline can be shown in the workshop without any fault switched on.
 */
export const DECLINED_TEST_CARD = '4000000000000002';

const CARD_DIGITS = /^\d{13,19}$/;

/** Luhn checksum over a string of digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 13–19 digits (no spaces or dashes) with a valid Luhn checksum. */
export function isValidCardNumber(value: unknown): value is string {
  return typeof value === 'string' && CARD_DIGITS.test(value) && passesLuhn(value);
}

export function cardLast4(cardNumber: string): string {
  return cardNumber.slice(-4);
}

export function IsCardNumber(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCardNumber',
      validator: {
        validate: (value) => isValidCardNumber(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be 13 to 19 digits with a valid Luhn checksum`,
      },
    },
    options,
  );
}
