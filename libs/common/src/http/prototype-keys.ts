/**
 * The first key of a parsed JSON body that could pollute an object prototype once the body is merged
 * or transformed (`__proto__`, or `constructor` holding a `prototype`), as a dotted path; undefined
 * when there is none. JSON.parse keeps such keys as own properties, so they are found by walking them.
 */
export function prototypeKeyPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const here = [...path, key];
    if (key === '__proto__') return here.join('.');
    if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
      return [...here, 'prototype'].join('.');
    }
    const found = prototypeKeyPath(child, here);
    if (found) return found;
  }
  return undefined;
}
