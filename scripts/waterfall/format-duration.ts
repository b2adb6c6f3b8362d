/** `0.4ms`, `12.3ms`, `300ms`, `1.2s`: one decimal while it still means something. */
export function formatDuration(ms: number): string {
  if (ms >= 999.5) return `${(ms / 1000).toFixed(1)}s`;
  if (ms >= 99.95) return `${Math.round(ms)}ms`;
  return `${ms.toFixed(1)}ms`;
}
