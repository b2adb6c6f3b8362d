// The one place requests are made: k6's http.asyncRequest(), each request tagged `name` with its
// endpoint template (./names.js). Without that tag k6 tags `name` and `url` with the full URL — ids,
// query strings — and its remote-write output keeps each distinct value as a series for the whole run.
import { check } from 'k6';
import http from 'k6/http';
import { requestName } from './names.js';

/**
 * `await request({ method, url, body, headers, tags, expect, timeout })`: k6's Response. An object
 * body is sent as JSON; `expect` lists the statuses that are a correct answer here (k6: 200–399),
 * e.g. 503 while a scenario takes payment down: they don't count in http_req_failed.
 */
export function request({ method, url, body, headers = {}, tags = {}, expect, timeout = '60s' }) {
  const params = { headers, tags: { ...tags, name: requestName(method, url) }, timeout };
  if (expect) params.responseCallback = http.expectedStatuses(...expect);
  return http.asyncRequest(
    method,
    url,
    body && typeof body === 'object' ? JSON.stringify(body) : (body ?? null),
    params,
  );
}

/** Think time: k6's sleep() would block the VU, and the Node engine cannot block one. */
export const pause = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Runs a flow written as a generator that yields request descriptions and receives the
 * responses, as ./faults.js is: `await run(switchOn, entry, params)`. It gets `{ check }`.
 */
export async function run(flow, ...args) {
  const steps = flow({ check }, ...args);
  let step = steps.next();
  while (!step.done) step = steps.next(await request(step.value));
  return step.value;
}
