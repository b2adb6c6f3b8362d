import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1000) {
  const clock = { now: 0 };
  return { clock, breaker: new CircuitBreaker('payment', threshold, cooldownMs, () => clock.now) };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and then fails calls fast', () => {
    const { breaker: b } = breaker();
    b.failed();
    b.failed();
    expect(b.allow()).toBe(true);
    b.failed();
    expect(b.current).toBe('open');
    expect(b.allow()).toBe(false);
    expect(b.retryAfterMs()).toBe(1000);
  });

  it('a success in between resets the count', () => {
    const { breaker: b } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.current).toBe('closed');
  });

  it('lets one trial call through after the cooldown, and closes or re-opens on its outcome', () => {
    const { clock, breaker: b } = breaker(1);
    b.failed();
    clock.now = 1000;
    expect(b.allow()).toBe(true);
    expect(b.current).toBe('half_open');
    expect(b.allow()).toBe(false);
    b.failed();
    expect(b.current).toBe('open');
    clock.now = 2000;
    expect(b.allow()).toBe(true);
    b.succeeded();
    expect(b.current).toBe('closed');
    expect(b.allow()).toBe(true);
  });

  it('never opens with a threshold of 0', () => {
    const { breaker: b } = breaker(0);
    for (let i = 0; i < 10; i++) b.failed();
    expect(b.allow()).toBe(true);
  });
});
