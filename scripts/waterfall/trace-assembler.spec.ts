import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CollectedSpan } from './collected-span.js';
import { span } from './span.fixture.js';
import { TraceAssembler } from './trace-assembler.js';

const inTrace = (traceId: string, spanId: string) => span(spanId, 0, 1, { traceId });
const ids = (spans: CollectedSpan[]) => spans.map((s) => s.spanId);

describe('TraceAssembler', () => {
  let emitted: CollectedSpan[][];
  const onTrace = (spans: CollectedSpan[]) => void emitted.push(spans);

  beforeEach(() => {
    emitted = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  describe('add()', () => {
    it('emits a trace once, with the spans of every export, when no span came for idleMs', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 1000 });
      assembler.add([inTrace('t1', 'a')]);
      vi.advanceTimersByTime(900);
      assembler.add([inTrace('t1', 'b'), inTrace('t1', 'c')]);
      vi.advanceTimersByTime(900);
      expect(emitted).toEqual([]);
      vi.advanceTimersByTime(100);
      expect(emitted.map(ids)).toEqual([['a', 'b', 'c']]);
      vi.advanceTimersByTime(10_000);
      expect(emitted).toHaveLength(1);
      expect(assembler.stats().pendingTraces).toBe(0);
    });

    it('times each trace on its own and splits a mixed export by trace id', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 1000 });
      assembler.add([inTrace('t1', 'a'), inTrace('t2', 'b')]);
      vi.advanceTimersByTime(500);
      assembler.add([inTrace('t2', 'c')]);
      vi.advanceTimersByTime(500);
      expect(emitted.map(ids)).toEqual([['a']]);
      vi.advanceTimersByTime(500);
      expect(emitted.map(ids)).toEqual([['a'], ['b', 'c']]);
    });

    it('waits 1500 ms by default', () => {
      const assembler = new TraceAssembler({ onTrace });
      assembler.add([inTrace('t1', 'a')]);
      vi.advanceTimersByTime(1499);
      expect(emitted).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(emitted).toHaveLength(1);
    });

    it('keeps one copy of a span an exporter sent twice', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 10 });
      assembler.add([inTrace('t1', 'a')]);
      assembler.add([inTrace('t1', 'a'), inTrace('t1', 'b')]);
      vi.advanceTimersByTime(10);
      expect(emitted.map(ids)).toEqual([['a', 'b']]);
    });

    it('drops the oldest pending trace beyond maxPendingTraces and counts it', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 10, maxPendingTraces: 2 });
      assembler.add([inTrace('t1', 'a'), inTrace('t2', 'b'), inTrace('t3', 'c')]);
      expect(assembler.stats()).toEqual({ pendingTraces: 2, droppedTraces: 1, droppedSpans: 0 });
      vi.advanceTimersByTime(10);
      expect(emitted.map(ids)).toEqual([['b'], ['c']]);
    });

    it('keeps at most maxSpansPerTrace spans of a trace and counts the rest', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 10, maxSpansPerTrace: 2 });
      assembler.add(['a', 'b', 'c', 'd'].map((id) => inTrace('t1', id)));
      vi.advanceTimersByTime(10);
      expect(emitted.map(ids)).toEqual([['a', 'b']]);
      expect(assembler.stats().droppedSpans).toBe(2);
    });

    it('reports an exception from onTrace instead of throwing from the timer', () => {
      const onError = vi.fn();
      const assembler = new TraceAssembler({
        idleMs: 10,
        onError,
        onTrace: () => {
          throw new Error('boom');
        },
      });
      assembler.add([inTrace('t1', 'a')]);
      expect(() => vi.advanceTimersByTime(10)).not.toThrow();
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
    });

    it('does not keep the process alive while waiting', () => {
      vi.useRealTimers();
      const assembler = new TraceAssembler({ onTrace, idleMs: 60_000 });
      const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      assembler.add([inTrace('t1', 'a')]);
      expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
      assembler.flush();
    });
  });

  describe('flush()', () => {
    it('emits every pending trace at once, oldest first, and then nothing more', () => {
      const assembler = new TraceAssembler({ onTrace, idleMs: 60_000 });
      assembler.add([inTrace('t1', 'a'), inTrace('t2', 'b')]);
      assembler.flush();
      expect(emitted.map(ids)).toEqual([['a'], ['b']]);
      vi.advanceTimersByTime(60_000);
      expect(emitted).toHaveLength(2);
    });
  });
});
