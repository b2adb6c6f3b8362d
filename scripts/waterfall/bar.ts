export interface BarCells {
  /** Empty cells before the span starts. */
  offset: number;
  /** Filled cells; 0 only for a zero-length span, drawn as a thin tick. */
  length: number;
}

/**
 * Where a span sits on a bar `width` cells wide covering `[traceStart, traceStart + traceLength]`.
 * Both ends are rounded to the nearest cell, so spans that start together line up;
 * a nonzero span gets at least one cell and never runs past the end.
 */
export function barCells(
  startMs: number,
  durationMs: number,
  traceStart: number,
  traceLength: number,
  width: number,
): BarCells {
  const scale = traceLength > 0 ? width / traceLength : 0;
  const from = Math.round((startMs - traceStart) * scale);
  const to = Math.round((startMs - traceStart + durationMs) * scale);
  const length = durationMs > 0 ? Math.min(width, Math.max(1, to - from)) : 0;
  const offset = Math.max(0, Math.min(from, width - Math.max(length, 1)));
  return { offset, length };
}

export function drawBar({ offset, length }: BarCells, width: number, paint: (text: string) => string): string {
  const body = length > 0 ? '█'.repeat(length) : '▏';
  return ' '.repeat(offset) + paint(body) + ' '.repeat(width - offset - Math.max(length, 1));
}
