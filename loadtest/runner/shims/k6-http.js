// `k6/http` under the Node engine: asyncRequest() on fetch, recording http_reqs, http_req_duration and
// http_req_failed tagged as k6 tags them. k6's synchronous http.get() and friends cannot be had on
// Node: the scripts await http.asyncRequest(), as k6 allows.
import { parseDuration } from '../options.js';
import { context, contextTags, state } from '../runtime.js';

/** `expectedStatuses(200, 201, { min: 300, max: 399 })`: which answers count as not failed. */
export function expectedStatuses(...specs) {
  return {
    expected: (status) =>
      specs.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max)),
  };
}

const DEFAULT_CALLBACK = expectedStatuses({ min: 200, max: 399 });

/** k6 header names are canonical (`Idempotent-Replayed`), as Go prints them. */
const canonical = (name) => name.replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());

/** k6's http.asyncRequest(): same arguments, same Response shape. A request of an iteration cut off (gracefulStop, an abort) throws, ending it. */
export async function asyncRequest(method, url, body, params = {}) {
  if (typeof body === 'object' && body !== null)
    throw new Error(
      'a form body (an object) is not supported by the Node engine: send a string, or run the script with k6',
    );
  const timeout = AbortSignal.timeout(parseDuration(params.timeout ?? '60s', 'timeout'));
  const cutOff = context.getStore()?.signal;
  const signal = AbortSignal.any([timeout, ...(cutOff ? [cutOff] : [])]);

  const started = performance.now();
  const res = { status: 0, body: '', headers: {}, error: '', error_code: 0, url };
  try {
    const answer = await fetch(url, { method, headers: params.headers, body: body ?? undefined, signal });
    res.status = answer.status;
    res.body = await answer.text();
    answer.headers.forEach((value, name) => (res.headers[canonical(name)] = value));
  } catch (e) {
    if (cutOff?.aborted) throw cutOff.reason;
    res.error = e?.cause?.code ?? e?.name ?? String(e);
    res.error_code = 1000;
  }
  res.timings = { duration: performance.now() - started };
  res.json = () => JSON.parse(res.body);
  const expected = res.status !== 0 && (params.responseCallback ?? DEFAULT_CALLBACK).expected(res.status);
  // As k6's httpext transport: a `name` tag set by the script is also the `url` tag (bounded values);
  // without one both carry the full URL. error_code: 1000 + status from 400, 1000 without an answer.
  const name = params.tags?.name ?? url;
  const outcome = res.status ? { proto: 'HTTP/1.1' } : { error: res.error || 'request failed', error_code: '1000' };
  if (res.status >= 400) outcome.error_code = String(1000 + res.status);
  const tags = {
    ...contextTags(),
    ...params.tags,
    name,
    url: name,
    method,
    status: String(res.status),
    expected_response: String(expected),
    ...outcome,
  };
  state.metrics.add('http_reqs', 1, tags);
  state.metrics.add('http_req_duration', res.timings.duration, tags); // k6 records failed requests' durations too
  state.metrics.add('http_req_failed', expected ? 0 : 1, tags);
  return res;
}

/** Any other member of `http` (get, post, batch, …): k6's, synchronous, not the Node engine's. */
const unsupported = (key) => () => {
  throw new Error(
    `http.${key}() is not supported by the Node engine (it has asyncRequest, expectedStatuses): run the script with k6`,
  );
};

export default new Proxy(
  { asyncRequest, expectedStatuses },
  { get: (http, key) => http[key] ?? (typeof key === 'string' ? unsupported(key) : undefined) },
);
