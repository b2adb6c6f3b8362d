import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { normalizeScenario, parseDuration, readOptions } from '../../../loadtest/runner/options.js';
// @ts-expect-error: plain ESM modules of the Node load engine, without types
import { arrivalOffsets } from '../../../loadtest/runner/executors.js';

const offsets = (startRate: number, stages: { ms: number; target: number }[], timeUnit = 1000): number[] => [
  ...(arrivalOffsets(startRate, stages, timeUnit) as Iterable<number>),
];

describe('parseDuration()', () => {
  it('reads k6 duration strings into milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1d2h')).toBe(93_600_000);
    expect(parseDuration(0)).toBe(0);
  });

  it('refuses a duration without a unit, which k6 reads as milliseconds', () => {
    expect(() => parseDuration('10')).toThrow(/"10" has no unit \(k6 would read it as 10 ms\)/);
    expect(() => parseDuration(30, 'options.setupTimeout')).toThrow(/^options.setupTimeout: 30 has no unit/);
    expect(() => normalizeScenario('s', { executor: 'constant-vus', duration: 30 })).toThrow(
      /scenario s: duration: 30 has no unit/,
    );
    expect(() =>
      normalizeScenario('s', {
        executor: 'ramping-arrival-rate',
        preAllocatedVUs: 1,
        stages: [{ duration: '5', target: 1 }],
      }),
    ).toThrow(/stage 0: duration: "5" has no unit/);
  });

  it('refuses what is not a duration, naming it', () => {
    expect(() => parseDuration('ten seconds')).toThrow(/invalid duration "ten seconds"/);
    expect(() => parseDuration('5x')).toThrow(/invalid duration/);
  });
});

describe('arrivalOffsets()', () => {
  it('spaces a constant rate evenly, starting at once', () => {
    expect(offsets(4, [{ ms: 1000, target: 4 }])).toEqual([0, 250, 500, 750]);
  });

  it('honours timeUnit: 30 per minute is one every 2 s', () => {
    expect(offsets(30, [{ ms: 10_000, target: 30 }], 60_000)).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it('starts iterations where the integral of a ramping rate reaches each whole number', () => {
    // 0 → 10/s over 1 s: N(t) = 5 t², so iteration k starts at sqrt(k/5) s.
    const starts = offsets(0, [{ ms: 1000, target: 10 }]);
    expect(starts).toHaveLength(5);
    starts.forEach((t, k) => expect(t).toBeCloseTo(Math.sqrt(k / 5) * 1000, 6));
  });

  it('ramps down as well as up, and sends the area under the rate curve', () => {
    const starts = offsets(10, [
      { ms: 2000, target: 10 },
      { ms: 2000, target: 0 },
    ]);
    expect(starts).toHaveLength(30); // 20 + 10
    expect(starts.every((t, i) => i === 0 || t > starts[i - 1]!)).toBe(true);
    expect(starts.at(-1)!).toBeLessThan(4000);
  });
});

describe('options.scenarios', () => {
  it('reads arrival-rate scenarios with their VU pool and exec function', () => {
    expect(
      readOptions({
        scenarios: {
          orders: {
            executor: 'constant-arrival-rate',
            rate: 5,
            duration: '1m',
            preAllocatedVUs: 2,
            maxVUs: 20,
            exec: 'orders',
          },
        },
      }).scenarios,
    ).toMatchObject([
      {
        name: 'orders',
        startRate: 5,
        durationMs: 60_000,
        timeUnitMs: 1000,
        preAllocatedVUs: 2,
        maxVUs: 20,
        exec: 'orders',
        gracefulStopMs: 30_000,
      },
    ]);
    expect(
      normalizeScenario('up', {
        executor: 'ramping-arrival-rate',
        startRate: 1,
        stages: [{ duration: '10s', target: 5 }],
        preAllocatedVUs: 1,
      }),
    ).toMatchObject({
      stages: [{ ms: 10_000, target: 5 }],
      durationMs: 10_000,
      maxVUs: 1,
      exec: 'default',
    });
  });

  it.each(['ramping-vus', 'shared-iterations', 'per-vu-iterations', 'externally-controlled'])(
    'refuses the %s executor, which the scripts do not use, saying to run k6',
    (executor) => {
      expect(() => normalizeScenario('x', { executor })).toThrow(
        new RegExp(`executor "${executor}" is not supported by the Node engine .*run the script with k6`),
      );
    },
  );

  const car = { executor: 'constant-arrival-rate', rate: 2, duration: '10s', preAllocatedVUs: 2 };

  it.each([
    [
      'a field the executor does not have (k6 decodes scenarios strictly)',
      { ...car, vus: 3 },
      /unknown field "vus" for constant-arrival-rate/,
    ],
    ['a misspelt field', { ...car, maxVU: 9 }, /unknown field "maxVU"/],
    ['a missing rate', { ...car, rate: undefined }, /rate is required/],
    ['a fractional rate (k6 takes integers)', { ...car, rate: 2.5 }, /rate must be a whole number ≥ 1 \(got 2.5\)/],
    ['a missing preAllocatedVUs', { ...car, preAllocatedVUs: undefined }, /preAllocatedVUs is required/],
    ['maxVUs below preAllocatedVUs', { ...car, maxVUs: 1 }, /maxVUs can't be less than preAllocatedVUs/],
    ['a duration under 1s', { ...car, duration: '500ms' }, /duration must be at least 1s/],
    ['no stages', { executor: 'ramping-arrival-rate', preAllocatedVUs: 1, stages: [] }, /at least one stage/],
    [
      'a stage field k6 does not know',
      { executor: 'ramping-arrival-rate', preAllocatedVUs: 1, stages: [{ duration: '1s', target: 1, vus: 2 }] },
      /stage 0 has unknown field "vus"/,
    ],
    ['zero VUs', { executor: 'constant-vus', vus: 0, duration: '1s' }, /vus must be a whole number ≥ 1/],
  ])('refuses %s, as k6 does', (_, scenario, message) => {
    expect(() => normalizeScenario('s', scenario as never)).toThrow(message);
  });
});
