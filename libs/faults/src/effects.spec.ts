import { describe, expect, it } from 'vitest';
import { burnCpu, releaseRetainedMemory, retainMemory } from './effects.js';

describe('burnCpu()', () => {
  it('keeps the thread busy for at least the time asked', () => {
    const started = performance.now();
    burnCpu(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
  });
});

describe('retainMemory()', () => {
  it('keeps what it was given up to the cap, then starts over (a saw-tooth), and lets it go when released', () => {
    releaseRetainedMemory();
    expect(retainMemory(512, 1)).toBe(512 * 1024);
    expect(retainMemory(512, 1)).toBe(1024 * 1024);
    expect(retainMemory(512, 1)).toBe(512 * 1024);
    releaseRetainedMemory();
    expect(retainMemory(1, 1)).toBe(1024);
    releaseRetainedMemory();
  });
});
