import { SCENARIOS } from '@app/faults';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { CliError, mysteryPick, parseCommand } from './fault.mjs';

type Parsed = { command: string; entry?: { name: string }; params?: Record<string, number>; all?: boolean };
const parse = (...argv: string[]) => parseCommand(argv) as Parsed;

describe('scripts/fault.mjs', () => {
  describe('parseCommand()', () => {
    it('reads a scenario and its parameters, as --name value and --name=value', () => {
      const parsed = parse('on', 'payment-latency', '--latencyMs', '3000', '--probability=0.5');
      expect(parsed.command).toBe('on');
      expect(parsed.entry?.name).toBe('payment-latency');
      expect(parsed.params).toEqual({ latencyMs: 3000, probability: 0.5 });
    });

    it('reads off --all, status --hints and mystery --seed', () => {
      expect(parse('off', '--all')).toEqual({ command: 'off', all: true });
      expect(parse('status', '--hints')).toEqual({ command: 'status', hints: true });
      expect(parse('mystery', '--seed', '7')).toEqual({ command: 'mystery', seed: 7 });
      expect(parse('mystery')).toEqual({ command: 'mystery', seed: undefined });
    });

    it.each([
      [['explode'], 'unknown command "explode"'],
      [[], 'unknown command ""'],
      [['on', 'payment-latancy'], 'unknown scenario "payment-latancy"'],
      [['guess'], 'name a scenario'],
      [['on', 'payment-latency', '--latency', '3000'], 'payment-latency has no parameter --latency'],
      [['on', 'payment-latency', '--latencyMs', 'slow'], '--latencyMs needs a number'],
      [['on', 'payment-latency', '3000'], 'unexpected "3000"'],
      [['status', '--verbose'], 'status takes only --hints'],
      [['mystery', '--seed', 'x'], '--seed needs an integer'],
    ])('refuses %j before anything is sent: %s', (argv, message) => {
      expect(() => parseCommand(argv)).toThrow(CliError);
      expect(() => parseCommand(argv)).toThrow(message);
    });
  });

  describe('mysteryPick()', () => {
    it('picks the same catalogue scenario for the same seed', () => {
      expect(mysteryPick(7)).toBe(mysteryPick(7));
      expect(SCENARIOS).toContain(mysteryPick(42));
    });
  });
});
