import { describe, expect, it } from 'vitest';
import { displayWidth, singleLine, truncateToWidth } from './text-width.js';

describe('displayWidth()', () => {
  it('counts Hangul and CJK as two cells and ASCII and box drawing as one', () => {
    expect(displayWidth('결제 서비스')).toBe(11);
    expect(displayWidth('注文')).toBe(4);
    expect(displayWidth('└── order')).toBe(9);
  });
});

describe('truncateToWidth()', () => {
  it('keeps text that fits and cuts the rest to the width including the ellipsis', () => {
    expect(truncateToWidth('payment', 7)).toBe('payment');
    expect(truncateToWidth('payment', 6)).toBe('payme…');
    expect(truncateToWidth('결제서비스', 6)).toBe('결제…');
    expect(displayWidth(truncateToWidth('결제서비스', 6))).toBeLessThanOrEqual(6);
  });
});

describe('singleLine()', () => {
  it('replaces runs of control characters with one space', () => {
    expect(singleLine('a\r\nb\tc')).toBe('a b c');
  });
});
