/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight, results in input order: a page of 100
 * orders makes 100 downstream calls, and a gateway must not open them all at once against one service.
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
