/** GET `base` + `path` (with `params` as the query) as JSON; an answer other than 2xx throws with its status and the start of its body. */
export async function getJson<T>(base: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const query = Object.keys(params).length ? `?${new URLSearchParams(params)}` : '';
  const res = await fetch(`${base}${path}${query}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path} ${JSON.stringify(params)}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
