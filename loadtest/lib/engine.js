// Runs a flow — a generator that yields request descriptions and receives
// responses — with k6/http's asyncRequest(). k6 (v0.52 and later: async
// functions, global setTimeout) and the Node engine (loadtest/runner, whose
// k6/http shim has the same asyncRequest on fetch) take the same path, so
// run() returns a Promise under both; k6 awaits it in setup, teardown and
// every iteration.
//
// A flow:   function* placeOrder(ctx, ...args) {
//             const res = yield { method: 'POST', url, body, headers, tags: { endpoint: 'create_order' }, expect: [201] };
//             ctx.check(res, { 'create_order: 201': (r) => r.status === 201 });
//             yield { sleep: 0.5 };       // think time, in seconds
//             return res.json().id;
//           }
// A response: { status, body (text), headers (lower-case names), timings: { duration }, error, json() }.
//
// Every request is tagged `name` with its endpoint template (requestName,
// ./names.js), here and nowhere else: without it k6 tags `url` and `name` with the
// full URL — ids and query strings — and the Prometheus remote-write output
// turns each distinct value into new series it keeps for the whole run.
import { check } from 'k6';
import http from 'k6/http';
import { requestName } from './names.js';

/** k6/http params of a request description: headers, timeout, tags (with `name`), expected statuses. */
export function requestParams(request) {
  const p = {
    headers: request.headers ?? {},
    tags: { ...(request.tags ?? {}), name: requestName(request.method, request.url) },
    timeout: request.timeout ?? '60s',
  };
  // Statuses that are a correct answer here (e.g. 503 while a scenario takes payment down):
  // they don't count in http_req_failed. Default: 200–399, as in k6.
  if (request.expect) p.responseCallback = http.expectedStatuses(...request.expect);
  return p;
}

function view(res) {
  const headers = {};
  for (const [name, value] of Object.entries(res.headers ?? {})) headers[name.toLowerCase()] = value;
  const body = typeof res.body === 'string' ? res.body : '';
  return {
    status: res.status,
    body,
    headers,
    error: res.error ?? '',
    timings: { duration: res.timings?.duration ?? 0 },
    json() {
      return JSON.parse(body);
    },
  };
}

const body = (request) => (request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body));

async function drive(steps) {
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.sleep !== undefined) {
      await new Promise((r) => setTimeout(r, request.sleep * 1000));
      step = steps.next();
    } else {
      step = steps.next(view(await http.asyncRequest(request.method, request.url, body(request) ?? null, requestParams(request))));
    }
  }
  return step.value;
}

/** Runs `flow(ctx, ...args)`; returns a Promise of its result. ctx: `{ check }`. */
export function run(flow, ...args) {
  return drive(flow({ check }, ...args));
}
