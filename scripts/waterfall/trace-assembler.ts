import type { CollectedSpan } from './collected-span.js';

export interface TraceAssemblerOptions {
  /** Called once a trace has had no new span for `idleMs`, with all its spans. */
  onTrace: (spans: CollectedSpan[]) => void;
  /** Quiet time after the last span before a trace counts as finished. Default 1500. */
  idleMs?: number;
  /** Traces held at once; beyond this the oldest is dropped (counted). Default 1000. */
  maxPendingTraces?: number;
  /** Spans kept per trace; later ones are dropped (counted). Default 2000. */
  maxSpansPerTrace?: number;
  /** Where an exception thrown by `onTrace` goes, so a timer callback never crashes the process. Default `console.error`. */
  onError?: (error: unknown) => void;
}

export interface TraceAssemblerStats {
  pendingTraces: number;
  droppedTraces: number;
  droppedSpans: number;
}

interface PendingTrace {
  spans: CollectedSpan[];
  spanIds: Set<string>;
  timer: NodeJS.Timeout;
}

/**
 * Groups spans arriving in separate exports (each service batches on its own
 * schedule) into whole traces, emitting a trace when it goes quiet.
 */
export class TraceAssembler {
  private readonly pending = new Map<string, PendingTrace>();
  private readonly idleMs: number;
  private readonly maxPendingTraces: number;
  private readonly maxSpansPerTrace: number;
  private droppedTraces = 0;
  private droppedSpans = 0;

  constructor(private readonly options: TraceAssemblerOptions) {
    this.idleMs = options.idleMs ?? 1500;
    this.maxPendingTraces = Math.max(1, options.maxPendingTraces ?? 1000);
    this.maxSpansPerTrace = Math.max(1, options.maxSpansPerTrace ?? 2000);
  }

  add(spans: readonly CollectedSpan[]): void {
    const touched = new Set<string>();
    for (const span of spans) {
      const trace = this.pending.get(span.traceId) ?? this.open(span.traceId);
      touched.add(span.traceId);
      // Exporters retry a batch after a timeout; the same span twice adds nothing.
      if (trace.spanIds.has(span.spanId)) continue;
      if (trace.spans.length >= this.maxSpansPerTrace) {
        this.droppedSpans += 1;
        continue;
      }
      trace.spanIds.add(span.spanId);
      trace.spans.push(span);
    }
    for (const traceId of touched) this.pending.get(traceId)?.timer.refresh();
  }

  /** Emits every pending trace now, oldest first (for shutdown). */
  flush(): void {
    for (const traceId of [...this.pending.keys()]) this.emit(traceId);
  }

  stats(): TraceAssemblerStats {
    return { pendingTraces: this.pending.size, droppedTraces: this.droppedTraces, droppedSpans: this.droppedSpans };
  }

  private open(traceId: string): PendingTrace {
    if (this.pending.size >= this.maxPendingTraces) this.dropOldest();
    const timer = setTimeout(() => this.emit(traceId), this.idleMs);
    timer.unref();
    const trace: PendingTrace = { spans: [], spanIds: new Set(), timer };
    this.pending.set(traceId, trace);
    return trace;
  }

  private dropOldest(): void {
    const [oldest] = this.pending.keys();
    const trace = this.pending.get(oldest);
    if (!trace) return;
    clearTimeout(trace.timer);
    this.pending.delete(oldest);
    this.droppedTraces += 1;
  }

  private emit(traceId: string): void {
    const trace = this.pending.get(traceId);
    if (!trace) return;
    clearTimeout(trace.timer);
    this.pending.delete(traceId);
    try {
      this.options.onTrace(trace.spans);
    } catch (error) {
      (this.options.onError ?? console.error)(error);
    }
  }
}
