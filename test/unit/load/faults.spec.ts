import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM modules of the load scripts, without types
import { switchOn } from '../../../loadtest/lib/faults.js';

interface Request {
  method: string;
  url: string;
  body?: { faults: { name: string }[] };
}
type Responder = (request: Request) => { status: number; body: unknown };

/** Drives a flow generator as lib/engine.js does, answering each request with `respond`; returns the requests it made. */
function drive(flow: Generator<Request, unknown, unknown>, respond: Responder): { requests: Request[]; error?: Error } {
  const requests: Request[] = [];
  try {
    let step = flow.next();
    while (!step.done) {
      requests.push(step.value);
      const { status, body } = respond(step.value);
      step = flow.next({ status, body: JSON.stringify(body), headers: {}, error: '', json: () => body });
    }
    return { requests };
  } catch (error) {
    return { requests, error: error as Error };
  }
}

const ctx = { check: () => true };
const entry = { name: 'slow-query', services: ['order', 'payment'] };
const service = (url: string) => (url.includes(':3001') ? 'order' : url.includes(':3002') ? 'payment' : url);

describe('switchOn()', () => {
  it('puts back what it switched on when a later service refuses, then fails', () => {
    const before: Record<string, { name: string; params: object }[]> = { order: [{ name: 'n-plus-one', params: {} }], payment: [] };
    const { requests, error } = drive(switchOn(ctx, entry, {}), (r) => {
      if (r.method === 'GET') return { status: 200, body: { active: before[service(r.url)] } };
      if (service(r.url) === 'payment') return { status: 503, body: { message: 'down' } };
      return { status: 200, body: {} };
    });
    expect(error?.message).toMatch(/payment refused the faults/);
    const puts = requests.filter((r) => r.method === 'PUT').map((r) => [service(r.url), r.body!.faults.map((f) => f.name)]);
    expect(puts).toEqual([
      ['order', ['n-plus-one', 'slow-query']],
      ['payment', ['slow-query']],
      // the rollback: each service it tried, back to what it had
      ['order', ['n-plus-one']],
      ['payment', []],
    ]);
  });

  it('switches nothing when a service cannot be read', () => {
    const { requests, error } = drive(switchOn(ctx, entry, {}), (r) => (service(r.url) === 'payment' ? { status: 401, body: {} } : { status: 200, body: { active: [] } }));
    expect(error?.message).toMatch(/HTTP 401/);
    expect(requests.filter((r) => r.method === 'PUT')).toEqual([]);
  });
});
