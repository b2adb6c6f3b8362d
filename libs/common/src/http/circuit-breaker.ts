import { httpClientCircuitState } from '@app/observability';

export type CircuitState = 'closed' | 'open' | 'half_open';

const GAUGE: Record<CircuitState, number> = { closed: 0, half_open: 0.5, open: 1 };

/**
 * A circuit breaker per downstream service: after `failureThreshold`
 * consecutive calls that got no answer (refused, unreachable, timed out) it opens and calls fail at
 * once for `cooldownMs`; then one trial call is let through (half-open) and
 * its outcome closes or re-opens it. A threshold of 0 switches it off.
 */
export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    readonly server: string,
    readonly failureThreshold: number,
    readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {
    httpClientCircuitState.set({ server }, 0);
  }

  get current(): CircuitState {
    return this.state;
  }

  /** Whether a call may go out now; false while open (and while a half-open trial is running). */
  allow(): boolean {
    if (this.failureThreshold <= 0 || this.state === 'closed') return true;
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.cooldownMs) return false;
      this.set('half_open');
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(): void {
    this.trialInFlight = false;
    this.failures = 0;
    if (this.state !== 'closed') this.set('closed');
  }

  failed(): void {
    this.trialInFlight = false;
    if (this.failureThreshold <= 0) return;
    this.failures++;
    if (this.state === 'half_open' || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.set('open');
    }
  }

  /** Milliseconds until the next trial call is allowed (0 when not open). */
  retryAfterMs(): number {
    return this.state === 'open' ? Math.max(0, this.cooldownMs - (this.now() - this.openedAt)) : 0;
  }

  private set(state: CircuitState): void {
    this.state = state;
    httpClientCircuitState.set({ server: this.server }, GAUGE[state]);
  }
}
