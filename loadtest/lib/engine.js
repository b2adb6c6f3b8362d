// Runs a flow — a generator that yields request descriptions and receives
// responses — under whichever engine loaded this file:
//
//   k6:   synchronously, with k6/http's http.request() and k6's check();
//   Node: the Node engine (loadtest/runner) maps `k6` and `k6/http` to its
//         shims; its http module has asyncRequest(), so run() returns a
//         Promise and drives the flow with fetch.
//
// A flow:   function* placeOrder(ctx, ...args) {
//             const res = yield { method: 'POST', url, body, headers, tags: { endpoint: 'create_order' }, expect: [201] };
//             ctx.check(res, { 'create_order: 201': (r) => r.status === 201 });
//             yield { sleep: 0.5 };       // think time, in seconds
//             return res.json().id;
//           }
// A response: { status, body (text), headers (lower-case names), timings: { duration }, error, json() }.
import { check, sleep } from 'k6';
import http from 'k6/http';

/** True under the Node engine (its k6/http shim has asyncRequest), false under k6. */
export const NODE = typeof http.asyncRequest === 'function';

function params(request) {
  const p = { headers: request.headers ?? {}, tags: request.tags ?? {}, timeout: request.timeout ?? '60s' };
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

function driveK6(steps) {
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.sleep !== undefined) {
      sleep(request.sleep);
      step = steps.next();
    } else {
      step = steps.next(view(http.request(request.method, request.url, body(request) ?? null, params(request))));
    }
  }
  return step.value;
}

async function driveNode(steps) {
  let step = steps.next();
  while (!step.done) {
    const request = step.value;
    if (request.sleep !== undefined) {
      await new Promise((r) => setTimeout(r, request.sleep * 1000));
      step = steps.next();
    } else {
      step = steps.next(view(await http.asyncRequest(request.method, request.url, body(request), params(request))));
    }
  }
  return step.value;
}

/** Runs `flow(ctx, ...args)`; returns its result (k6) or a Promise of it (Node). ctx: `{ check }`. */
export function run(flow, ...args) {
  const steps = flow({ check }, ...args);
  return NODE ? driveNode(steps) : driveK6(steps);
}
