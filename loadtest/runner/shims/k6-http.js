// `k6/http` under the Node engine. k6's http.request() is synchronous; Node's
// fetch is not, so the flows in loadtest/lib run through lib/engine.js, which
// calls asyncRequest() here (its presence is how the engine knows it runs on
// Node) and http.request() under k6. Both record the same metrics: http_reqs,
// http_req_duration, http_req_failed, tagged like k6 (method, status, name,
// expected_response, scenario, and the request's own tags).
import { context, contextTags, state } from '../runtime.js';

const DEFAULT_TIMEOUT_MS = 60_000;

/** `expectedStatuses(200, 201, { min: 300, max: 399 })`: which answers count as not failed. */
export function expectedStatuses(...specs) {
  const ok = (status) => specs.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
  return { expected: ok };
}

let defaultCallback = expectedStatuses({ min: 200, max: 399 });

export function setResponseCallback(callback) {
  defaultCallback = callback ?? { expected: () => true };
}

/** k6 header names are canonical (`Idempotent-Replayed`), as Go prints them. */
const canonical = (name) => name.replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());

function timeoutMs(value) {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(String(value));
  if (!m) throw new Error(`invalid timeout "${value}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2]];
}

/** The Node engine's request: same arguments and response shape as k6's http.request(), as a Promise. */
export async function asyncRequest(method, url, body, params = {}) {
  const headers = { ...(params.headers ?? {}) };
  const init = { method, headers, redirect: 'follow' };
  if (body !== undefined && body !== null) {
    if (typeof body === 'object') {
      init.body = new URLSearchParams(body).toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    } else init.body = body;
  }
  const signals = [AbortSignal.timeout(timeoutMs(params.timeout))];
  const runSignal = context.getStore()?.signal;
  if (runSignal) signals.push(runSignal);
  init.signal = AbortSignal.any(signals);

  const started = performance.now();
  let status = 0;
  let text = '';
  let responseHeaders = {};
  let error = '';
  try {
    const res = await fetch(url, init);
    status = res.status;
    text = await res.text();
    res.headers.forEach((value, name) => {
      responseHeaders[canonical(name)] = value;
    });
  } catch (e) {
    error = e?.cause?.code ?? e?.name ?? String(e);
    responseHeaders = {};
  }
  const duration = performance.now() - started;
  const callback = params.responseCallback ?? defaultCallback;
  const expected = status !== 0 && callback.expected(status);
  // As k6's httpext transport: a `name` tag set by the script is also the `url` tag (bounded
  // values); without one both carry the full URL. error_code: 1000 + status from 400, 1xxx for
  // a request without an answer (k6's codes are finer; any non-empty value is one more series).
  const name = params.tags?.name;
  const tags = {
    ...contextTags(),
    ...(params.tags ?? {}),
    name: name ?? url,
    url: name ?? url,
    method,
    status: String(status),
    expected_response: String(expected),
    ...(status !== 0 ? { proto: 'HTTP/1.1' } : { error: error || 'request failed', error_code: '1000' }),
    ...(status >= 400 ? { error_code: String(1000 + status) } : {}),
  };
  if (state.metrics) {
    state.metrics.add('http_reqs', 1, tags);
    // k6 records failed requests' durations too; a request that never got an answer has its time to the error.
    state.metrics.add('http_req_duration', duration, tags);
    state.metrics.add('http_req_failed', expected ? 0 : 1, tags);
  }
  return {
    status,
    body: text,
    headers: responseHeaders,
    error,
    error_code: error ? 1000 : 0,
    url,
    timings: { duration },
    json(selector) {
      const value = JSON.parse(text);
      return selector ? selector.split('.').reduce((v, k) => v?.[k], value) : value;
    },
  };
}

function unavailable() {
  throw new Error('k6/http is synchronous under k6; under the Node engine run requests through lib/engine.js run()');
}

const http = {
  asyncRequest,
  expectedStatuses,
  setResponseCallback,
  request: unavailable,
  get: unavailable,
  post: unavailable,
  put: unavailable,
  del: unavailable,
  batch: unavailable,
};

export default http;
export { unavailable as request, unavailable as get, unavailable as post, unavailable as put, unavailable as del, unavailable as batch };
