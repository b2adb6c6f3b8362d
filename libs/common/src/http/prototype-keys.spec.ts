import { describe, expect, it } from 'vitest';
import { prototypeKeyPath } from './prototype-keys.js';

describe('prototypeKeyPath()', () => {
  it('finds __proto__ at the top of a parsed body', () => {
    expect(prototypeKeyPath(JSON.parse('{"customerId":"c-1","__proto__":{"polluted":true}}'))).toBe('__proto__');
  });

  it('finds constructor.prototype nested in an array item', () => {
    expect(prototypeKeyPath(JSON.parse('{"items":[{"sku":"A"},{"constructor":{"prototype":{"x":1}}}]}'))).toBe(
      'items.1.constructor.prototype',
    );
  });

  it('lets a plain constructor field and ordinary bodies through', () => {
    expect(prototypeKeyPath(JSON.parse('{"constructor":"Ada","items":[{"sku":"A","quantity":1}]}'))).toBeUndefined();
    expect(prototypeKeyPath(undefined)).toBeUndefined();
  });
});
