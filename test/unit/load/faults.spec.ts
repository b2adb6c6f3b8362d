import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the load scripts, without types
import { switchOff, switchOn } from '../../../loadtest/lib/faults.js';

interface Request {
  method: string;
  url: string;
  body?: string;
  expect: number[];
  tags: Record<string, string>;
}
type Responder = (request: Request) => { status: number; body?: unknown };

type Flow = (ctx: {
  check: (res: unknown, sets: Record<string, (r: unknown) => boolean>) => void;
}) => Generator<Request, unknown, unknown>;

/** Drives a flow generator as lib/engine.js does, answering each request with `respond`; returns the requests and each check made. */
function drive(flow: Flow, respond: Responder) {
  const requests: Request[] = [];
  const checks: string[] = [];
  const ctx = {
    check: (res: unknown, sets: Record<string, (r: unknown) => boolean>) => {
      for (const [name, fn] of Object.entries(sets)) checks.push(`${name}: ${fn(res) ? 'pass' : 'fail'}`);
    },
  };
  const steps = flow(ctx);
  try {
    let step = steps.next();
    while (!step.done) {
      requests.push(step.value);
      const { status, body } = respond(step.value);
      const text = body === undefined ? '' : JSON.stringify(body);
      step = steps.next({ status, body: text, headers: {}, error: '', json: () => body });
    }
    return { requests, checks, result: step.value, error: undefined as Error | undefined };
  } catch (error) {
    return { requests, checks, result: undefined, error: error as Error };
  }
}

const entry = { name: 'retry-storm', services: ['order', 'payment'] };
const service = (url: string) => (url.includes(':3001') ? 'order' : url.includes(':3002') ? 'payment' : url);
const sent = (requests: Request[]) => requests.map((r) => `${r.method} ${service(r.url)} ${new URL(r.url).pathname}`);
const on = {
  service: 'x',
  instance: 'h/1',
  name: 'retry-storm',
  params: { timeoutMs: 150, retries: 3, latencyMs: 250 },
};

describe('switchOn()', () => {
  it('switches the fault on with one PUT per service, tagged admin_faults and checked, and returns what teardown needs', () => {
    const run = drive(
      (ctx) => switchOn(ctx, entry, { retries: 3 }),
      () => ({ status: 201, body: on }),
    );
    expect(sent(run.requests)).toEqual([
      'PUT order /admin/faults/retry-storm',
      'PUT payment /admin/faults/retry-storm',
    ]);
    expect(JSON.parse(run.requests[0]!.body!)).toEqual({ params: { retries: 3 } });
    expect(run.requests[0]).toMatchObject({ tags: { endpoint: 'admin_faults' }, expect: [200, 201] });
    expect(run.checks).toEqual([
      'admin_faults: PUT answered 200 or 201: pass',
      'admin_faults: PUT answered 200 or 201: pass',
    ]);
    expect(run.result).toEqual({ scenario: 'retry-storm', services: ['order', 'payment'], params: on.params });
  });

  it('switches it off again where it was switched on when a later service refuses, then fails', () => {
    const run = drive(
      (ctx) => switchOn(ctx, entry, {}),
      (r) =>
        r.method === 'DELETE'
          ? { status: 204 }
          : service(r.url) === 'payment'
            ? { status: 503, body: { message: 'database down' } }
            : { status: 201, body: on },
    );
    expect(run.error?.message).toBe('payment: database down');
    expect(sent(run.requests)).toEqual([
      'PUT order /admin/faults/retry-storm',
      'PUT payment /admin/faults/retry-storm',
      'DELETE order /admin/faults/retry-storm',
    ]);
    expect(run.checks).toEqual([
      'admin_faults: PUT answered 200 or 201: pass',
      'admin_faults: PUT answered 200 or 201: fail',
      'admin_faults: DELETE answered 204 or 404: pass',
    ]);
  });

  it('says what to do when a mystery is on, and switches nothing', () => {
    const run = drive(
      (ctx) => switchOn(ctx, entry, {}),
      () => ({ status: 409, body: { message: 'a mystery scenario (mystery-ab12) is on' } }),
    );
    expect(run.error?.message).toBe(
      'a mystery scenario is on in order: guess it or run "npm run fault -- off --all" first',
    );
    expect(run.requests).toHaveLength(1);
    expect(run.checks).toEqual(['admin_faults: PUT answered 200 or 201: fail']);
  });
});

describe('switchOff()', () => {
  it('switches the fault off with one DELETE per service; a service where it was not on (404) is no failure', () => {
    const run = drive(
      (ctx) => switchOff(ctx, entry),
      (r) => (service(r.url) === 'order' ? { status: 204 } : { status: 404, body: { message: 'not on' } }),
    );
    expect(sent(run.requests)).toEqual([
      'DELETE order /admin/faults/retry-storm',
      'DELETE payment /admin/faults/retry-storm',
    ]);
    expect(run.requests[0]).toMatchObject({ expect: [204, 404] });
    expect(run.checks).toEqual([
      'admin_faults: DELETE answered 204 or 404: pass',
      'admin_faults: DELETE answered 204 or 404: pass',
    ]);
    expect(run.result).toEqual({ scenario: 'retry-storm', off: true });
  });

  it('still asks the other services when one cannot be reached, then fails naming it', () => {
    const run = drive(
      (ctx) => switchOff(ctx, entry),
      (r) => (service(r.url) === 'order' ? { status: 0 } : { status: 204 }),
    );
    expect(run.requests).toHaveLength(2);
    expect(run.error?.message).toMatch(/^order is not reachable at http:\/\/127\.0\.0\.1:3001/);
  });
});
