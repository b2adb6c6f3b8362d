import { describe, expect, it } from 'vitest';
import { stripAnsi } from './ansi.js';
import { CHECKOUT_TRACE_ID, checkoutPayload } from './checkout-trace.fixture.js';
import { parseOtlpTraces } from './otlp-json.js';
import { renderWaterfall } from './render.js';
import { span } from './span.fixture.js';
import { displayWidth } from './text-width.js';

const checkout = () => renderWaterfall(parseOtlpTraces(checkoutPayload())).split('\n');

/** What sits left of the bar, without the padding. */
const labelOf = (line: string) => line.slice(0, line.indexOf(' |')).trimEnd();
const barOf = (line: string) => line.slice(line.indexOf('|') + 1, line.lastIndexOf('|'));
const tailOf = (line: string) => line.slice(line.lastIndexOf('|') + 1).trim();
const filled = (bar: string) => ({ offset: bar.indexOf('█'), length: bar.split('').filter((c) => c === '█').length });

describe('renderWaterfall()', () => {
  it('starts with the trace id, total duration, span count, services in order of appearance and errors', () => {
    expect(checkout()[0]).toBe(
      `[ Trace ${CHECKOUT_TRACE_ID} ] 400ms · 8 spans · gateway → order → payment → notification · 2 errors`,
    );
  });

  it('draws the tree depth first with children by start time, naming the service only where it changes', () => {
    expect(checkout().slice(1).map(labelOf)).toEqual([
      'gateway: POST /api/orders',
      '└── POST',
      '    └── order: POST /orders',
      '        └── pg.query:INSERT orders',
      '        └── POST',
      '            └── payment: POST /payments',
      '        └── send notifications',
      '            └── notification: process notif…',
    ]);
  });

  it('scales every bar to the whole trace so offsets follow start times', () => {
    const lines = checkout().slice(1);
    const bars = lines.map(barOf);
    expect(new Set(lines.map((line) => line.indexOf('|'))).size).toBe(1);
    expect(bars.every((bar) => bar.length === 40)).toBe(true);
    // gateway root 0–300 of 400ms: cells 0–30; publish starts at 200ms, half way.
    expect(filled(bars[0])).toEqual({ offset: 0, length: 30 });
    expect(filled(bars[6])).toEqual({ offset: 20, length: 1 });
    // notification 230–400ms runs to the last cell.
    expect(filled(bars[7])).toEqual({ offset: 23, length: 17 });
    expect(bars[7].endsWith('█')).toBe(true);
  });

  it('follows the width option', () => {
    const bars = renderWaterfall(parseOtlpTraces(checkoutPayload()), { width: 80 }).split('\n').slice(1).map(barOf);
    expect(bars[6].length).toBe(80);
    expect(filled(bars[6]).offset).toBe(40);
  });

  it('ends each line with the right-aligned duration and the async and ERROR markers', () => {
    expect(checkout().slice(1).map(tailOf)).toEqual([
      '300ms',
      '280ms',
      '260ms',
      '20.0ms',
      '140ms ERROR',
      '120ms ERROR card issuer unavailable',
      '5.0ms (async)',
      '170ms (async)',
    ]);
    const ends = checkout()
      .slice(1)
      .map((line) => line.indexOf('ms'));
    expect(new Set(ends).size).toBe(1);
  });

  it('marks a span that ends after its parent as async, whatever its kind', () => {
    const lines = renderWaterfall([
      span('root', 0, 100),
      span('awaited', 10, 90, { parentSpanId: 'root', kind: 'client' }),
      span('fire-and-forget', 20, 150, { parentSpanId: 'root', kind: 'internal' }),
    ]).split('\n');
    expect(lines[2]).not.toContain('(async)');
    expect(lines[3]).toMatch(/fire-and-forget .*\(async\)$/);
  });

  it('shows spans whose parent was not received as extra roots after the real root', () => {
    const lines = renderWaterfall([
      span('late-orphan', 5, 6, { parentSpanId: 'gone-1' }),
      span('root', 10, 100),
      span('child', 20, 30, { parentSpanId: 'root' }),
      span('early-orphan', 0, 4, { parentSpanId: 'gone-2' }),
    ]).split('\n');
    expect(lines.slice(1).map(labelOf)).toEqual(['svc: root', '└── child', 'svc: early-orphan', 'svc: late-orphan']);
    expect(lines[1]).not.toContain('(missing parent)');
    expect(lines[3]).toMatch(/\(missing parent\)$/);
  });

  it('collapses the spans beyond maxSpans into one line that counts them', () => {
    const spans = [
      span('root', 0, 100),
      ...Array.from({ length: 9 }, (_, i) => span(`c${i}`, i, i + 1, { parentSpanId: 'root' })),
    ];
    const lines = renderWaterfall(spans, { maxSpans: 4 }).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain('· 10 spans ·');
    expect(lines.slice(1, 5).map(labelOf)).toEqual(['svc: root', '└── c0', '└── c1', '└── c2']);
    expect(lines[5]).toBe('… 6 more spans');
  });

  it('cuts long names with … and keeps the bar column aligned for wide (Korean) characters', () => {
    const lines = renderWaterfall(
      [
        span('root', 0, 100, { service: 'API Gateway', name: '주문 생성' }),
        span('child', 10, 60, { parentSpanId: 'root', service: '결제 서비스', name: 'x'.repeat(80) }),
      ],
      { labelWidth: 30 },
    ).split('\n');
    expect(labelOf(lines[2])).toBe(`└── 결제 서비스: ${'x'.repeat(12)}…`);
    const barColumns = lines.slice(1).map((line) => displayWidth(line.slice(0, line.indexOf('|'))));
    expect(barColumns).toEqual([31, 31]);
  });

  it('keeps newlines and escape sequences in names from breaking the layout', () => {
    const lines = renderWaterfall([span('root', 0, 1, { name: 'GET /\n\x1b[31mx' })]).split('\n');
    expect(lines).toHaveLength(2);
    expect(labelOf(lines[1])).toBe('svc: GET / [31mx');
  });

  it('gives a short nonzero span one cell and a zero-length span a tick, even at the very end', () => {
    const lines = renderWaterfall([
      span('root', 0, 1000),
      span('blink', 500, 500.1, { parentSpanId: 'root' }),
      span('instant', 250, 250, { parentSpanId: 'root' }),
      span('last', 1000, 1000, { parentSpanId: 'root' }),
    ]).split('\n');
    expect(filled(barOf(lines[3]))).toEqual({ offset: 20, length: 1 });
    expect(barOf(lines[2])).toBe(`${' '.repeat(10)}▏${' '.repeat(29)}`);
    expect(barOf(lines[4])).toBe(`${' '.repeat(39)}▏`);
    expect(lines[0]).toContain('] 1.0s ·');
  });

  it('adds colour without changing the layout: services coloured, errors red, internal spans dim', () => {
    const spans = [
      ...parseOtlpTraces(checkoutPayload()),
      span('e000000000000001', 1_760_000_000_030, 1_760_000_000_040, {
        traceId: CHECKOUT_TRACE_ID,
        parentSpanId: 'b000000000000001',
        service: 'order',
        kind: 'internal',
        name: 'OrdersService.create',
      }),
    ];
    const coloured = renderWaterfall(spans, { color: true });
    expect(stripAnsi(coloured)).toBe(renderWaterfall(spans));
    const lines = coloured.split('\n');
    const payment = lines.find((line) => line.includes('POST /payments'));
    expect(payment).toContain('\x1b[1;31mERROR\x1b[0m card issuer unavailable');
    expect(payment).toContain('\x1b[1m\x1b[35mpayment\x1b[0m\x1b[0m: ');
    expect(payment).toContain('|      \x1b[31m████████████\x1b[0m ');
    expect(lines.find((line) => line.includes('OrdersService'))).toContain('\x1b[2mOrdersService.create\x1b[0m');
    expect(renderWaterfall(spans)).not.toContain('\x1b[');
  });

  it('renders nothing for no spans', () => {
    expect(renderWaterfall([])).toBe('');
  });
});
