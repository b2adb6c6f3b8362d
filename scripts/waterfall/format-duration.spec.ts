import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration.js';

describe('formatDuration()', () => {
  it.each([
    [0, '0.0ms'],
    [0.44, '0.4ms'],
    [12.34, '12.3ms'],
    [99.96, '100ms'],
    [300.4, '300ms'],
    [999.4, '999ms'],
    [999.6, '1.0s'],
    [1234, '1.2s'],
    [61_000, '61.0s'],
  ])('writes %s ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
