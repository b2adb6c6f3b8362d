import { describe, expect, it } from 'vitest';
import {
  type AdminApi,
  type FaultAnswer,
  type FaultFlow,
  type FaultRequest,
  FaultApiError,
  deleteFault,
  getFaults,
  putFault,
  putFaults,
  switchOff,
  switchOn,
} from './fault-client.js';

const api = (service: string, port: number): AdminApi => ({
  service,
  url: `http://127.0.0.1:${port}/`,
  token: 'tok-123',
});
const order = api('order', 3001);
const payment = api('payment', 3002);
const answer = (status: number, body: unknown = undefined, error?: string): FaultAnswer => ({
  status,
  body: body === undefined ? '' : JSON.stringify(body),
  error,
});

/** Runs a flow against `respond` (one service's answers by URL), as the CLI and the k6 library do with their HTTP clients. */
function drive<T>(
  flow: FaultFlow<T>,
  respond: (r: FaultRequest) => FaultAnswer,
): { sent: string[]; result?: T; error?: FaultApiError } {
  const sent: string[] = [];
  try {
    let step = flow.next();
    while (!step.done) {
      sent.push(`${step.value.method} ${step.value.url}`);
      step = flow.next(respond(step.value));
    }
    return { sent, result: step.value };
  } catch (error) {
    return { sent, error: error as FaultApiError };
  }
}

describe('the requests', () => {
  it('PUT /admin/faults/:name carries the token, JSON parameters and the statuses that mean success', () => {
    expect(putFault(payment, 'payment-latency', { latencyMs: 800 }).request).toEqual({
      method: 'PUT',
      url: 'http://127.0.0.1:3002/admin/faults/payment-latency',
      headers: { Authorization: 'Bearer tok-123', Accept: 'application/json', 'Content-Type': 'application/json' },
      body: '{"params":{"latencyMs":800}}',
      expect: [200, 201],
    });
  });

  it('DELETE /admin/faults/:name has no body, takes the marker in its query, and counts 404 as an answer', () => {
    expect(deleteFault(payment, 'payment-latency', 'mystery-ab12').request).toMatchObject({
      method: 'DELETE',
      url: 'http://127.0.0.1:3002/admin/faults/payment-latency?marker=mystery-ab12',
      expect: [204, 404],
    });
    expect(deleteFault(payment, 'payment-latency').request.body).toBeUndefined();
  });

  it('GET reveals the names; the whole-set PUT sends every fault with its parameters and the marker', () => {
    expect(getFaults(order).request.url).toBe('http://127.0.0.1:3001/admin/faults?reveal=true');
    expect(JSON.parse(putFaults(order, [{ name: 'slow-query' }], 'mystery-ab12').request.body!)).toEqual({
      faults: [{ name: 'slow-query', params: {} }],
      marker: 'mystery-ab12',
    });
  });
});

describe('reading the answers', () => {
  it('tells a fault switched on from one whose parameters were replaced, and an off switch from a fault that was not on', () => {
    const fault = {
      service: 'payment',
      instance: 'h/1',
      name: 'payment-latency',
      params: { latencyMs: 800, probability: 1 },
    };
    expect(putFault(payment, 'payment-latency').read(answer(201, fault))).toEqual({ fault, created: true });
    expect(putFault(payment, 'payment-latency').read(answer(200, fault)).created).toBe(false);
    expect(deleteFault(payment, 'payment-latency').read(answer(204))).toEqual({ wasOn: true });
    expect(deleteFault(payment, 'payment-latency').read(answer(404, { message: 'not on' }))).toEqual({ wasOn: false });
  });

  it.each([
    [
      answer(0, undefined, 'ECONNREFUSED'),
      'unreachable',
      'payment is not reachable at http://127.0.0.1:3002/ (ECONNREFUSED); is it running?',
    ],
    [
      answer(401, { message: 'Authorization: Bearer <ADMIN_TOKEN> required' }),
      'token',
      /^payment refused the admin token \(401: Authorization/,
    ],
    [answer(403, { message: 'The admin API is off' }), 'token', /set ADMIN_TOKEN to the services' value$/],
    [
      answer(409, { message: 'a mystery scenario (mystery-ab12) is on' }),
      'mystery',
      'payment: a mystery scenario (mystery-ab12) is on',
    ],
    [answer(503, { message: 'could not store the faults' }), 'unavailable', 'payment: could not store the faults'],
    [
      answer(400, {
        message: 'Validation failed',
        errors: [{ field: 'params.probability', messages: ['must be between 0 and 1'] }],
      }),
      'refused',
      'payment: params.probability: must be between 0 and 1',
    ],
    [answer(500, 'not json'), 'refused', 'payment: HTTP 500'],
  ] as const)('turns %j into a FaultApiError of kind %s with a message a user can act on', (res, kind, message) => {
    let error: unknown;
    try {
      putFault(payment, 'payment-latency').read(res);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FaultApiError);
    expect(error).toMatchObject({ kind, status: res.status, service: 'payment' });
    expect((error as Error).message).toMatch(message);
  });
});

describe('switchOn()', () => {
  const on = (params: object) => answer(201, { service: 'x', instance: 'h/1', name: 'retry-storm', params });

  it('switches the fault on in each service in turn and returns the parameters as resolved', () => {
    const { sent, result } = drive(switchOn([order, payment], 'retry-storm', { retries: 2 }), () =>
      on({ timeoutMs: 150, retries: 2, latencyMs: 250 }),
    );
    expect(sent).toEqual([
      'PUT http://127.0.0.1:3001/admin/faults/retry-storm',
      'PUT http://127.0.0.1:3002/admin/faults/retry-storm',
    ]);
    expect(result).toEqual({
      name: 'retry-storm',
      services: ['order', 'payment'],
      params: { timeoutMs: 150, retries: 2, latencyMs: 250 },
    });
  });

  it('switches it off again where it switched it on when a later service refuses, then throws that refusal', () => {
    const { sent, error } = drive(switchOn([order, payment], 'retry-storm'), (r) =>
      r.method === 'DELETE'
        ? answer(204)
        : r.url.includes(':3002')
          ? answer(503, { message: 'database down' })
          : on({}),
    );
    expect(sent).toEqual([
      'PUT http://127.0.0.1:3001/admin/faults/retry-storm',
      'PUT http://127.0.0.1:3002/admin/faults/retry-storm',
      'DELETE http://127.0.0.1:3001/admin/faults/retry-storm',
    ]);
    expect(error?.message).toBe('payment: database down');
  });

  it('leaves a fault that was on before (200) on when a later service refuses', () => {
    const { sent, error } = drive(switchOn([order, payment], 'retry-storm'), (r) =>
      r.url.includes(':3002')
        ? answer(409, { message: 'a mystery scenario (mystery-ab12) is on' })
        : answer(200, { params: {} }),
    );
    expect(sent.filter((s) => s.startsWith('DELETE'))).toEqual([]);
    expect(error?.kind).toBe('mystery');
  });

  it('throws the refusal, not a failed undo', () => {
    const { error } = drive(switchOn([order, payment], 'retry-storm'), (r) =>
      r.url.includes(':3001') && r.method === 'PUT' ? on({}) : answer(0, undefined, 'ECONNRESET'),
    );
    expect(error?.message).toMatch(/^payment is not reachable/);
  });
});

describe('switchOff()', () => {
  it('asks every service even when one fails, says where it was on, and throws the first failure at the end', () => {
    const ok = drive(switchOff([order, payment], 'retry-storm'), (r) =>
      r.url.includes(':3001') ? answer(204) : answer(404, {}),
    );
    expect(ok.result).toEqual({ name: 'retry-storm', wasOn: ['order'] });
    const failed = drive(switchOff([order, payment], 'retry-storm'), (r) =>
      r.url.includes(':3001') ? answer(401, {}) : answer(204),
    );
    expect(failed.sent).toHaveLength(2);
    expect(failed.error?.kind).toBe('token');
  });
});
