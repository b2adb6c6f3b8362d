import { HttpException } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { DownstreamClient } from './downstream.client.js';

/** A real HTTP server on loopback that misbehaves on demand, by path. */
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ok') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-echo': 'yes' });
        res.end(
          JSON.stringify({
            got: body ? JSON.parse(body) : null,
            q: url.searchParams.get('q'),
            key: req.headers['idempotency-key'] ?? null,
          }),
        );
      });
      return;
    }
    if (url.pathname === '/slow') return void setTimeout(() => res.end('{}'), 1_000);
    if (url.pathname === '/missing')
      return void res.writeHead(404).end(JSON.stringify({ statusCode: 404, message: 'Order x not found' }));
    if (url.pathname === '/unavailable')
      return void res.writeHead(503).end(JSON.stringify({ message: 'payment service is unavailable' }));
    if (url.pathname === '/crash') return void res.writeHead(500).end(JSON.stringify({ message: 'secret stack' }));
    if (url.pathname === '/garbage') return void res.writeHead(200).end('<html>');
    res.writeHead(418).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

async function failure(client: DownstreamClient, path: string): Promise<{ status: number; body: unknown }> {
  try {
    await client.request({ path });
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    return { status: (error as HttpException).getStatus(), body: (error as HttpException).getResponse() };
  }
  throw new Error('expected a failure');
}

describe('DownstreamClient', () => {
  const client = () => new DownstreamClient('order', base, 300);

  it('sends JSON, query and headers and returns status, body and headers', async () => {
    const res = await client().request<{ got: unknown; q: string; key: string }>({
      method: 'POST',
      path: '/ok',
      query: { q: 'x', skip: undefined },
      body: { a: 1 },
      headers: { 'idempotency-key': 'k1', absent: undefined },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ got: { a: 1 }, q: 'x', key: 'k1' });
    expect(res.headers.get('x-echo')).toBe('yes');
  });

  it('answers 503 naming the service when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const closed = new DownstreamClient('payment', `http://127.0.0.1:${port}`, 300);
    const { status, body } = await failure(closed, '/ok');
    expect(status).toBe(503);
    expect(JSON.stringify(body)).toContain('payment service is unavailable');
  });

  it('answers 504 when the service is slower than the deadline', async () => {
    const started = Date.now();
    const { status, body } = await failure(client(), '/slow');
    expect(status).toBe(504);
    expect(JSON.stringify(body)).toContain('did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('passes a 4xx and a 503 through with the downstream message', async () => {
    expect(await failure(client(), '/missing')).toMatchObject({ status: 404, body: { message: 'Order x not found' } });
    expect(await failure(client(), '/unavailable')).toMatchObject({ status: 503 });
  });

  it('turns a 500 or a non-JSON answer into a 502 without leaking the body', async () => {
    const crash = await failure(client(), '/crash');
    expect(crash.status).toBe(502);
    expect(JSON.stringify(crash.body)).not.toContain('secret');
    expect((await failure(client(), '/garbage')).status).toBe(502);
  });
});

describe('DownstreamClient with a circuit breaker', () => {
  it('fails fast with 503 once the service stopped answering, and tries again after the cooldown', async () => {
    const client = new DownstreamClient('payment', base, 200, new CircuitBreaker('payment', 2, 150));
    const unreachable = { path: '/ok', baseUrl: 'http://127.0.0.1:2' };
    for (let i = 0; i < 2; i++) await expect(client.request(unreachable)).rejects.toMatchObject({ status: 503 });
    expect(client.breaker.current).toBe('open');
    // Open: even a call that would succeed is refused without being sent.
    const refused = await client.request({ path: '/ok' }).catch((e: HttpException) => e);
    expect(refused).toBeInstanceOf(HttpException);
    expect((refused as HttpException).getResponse()).toMatchObject({ circuit: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 160));
    expect((await client.request({ path: '/ok' })).status).toBe(201);
    expect(client.breaker.current).toBe('closed');
  });

  it('does not count error answers against the circuit: the service is there', async () => {
    const client = new DownstreamClient('payment', base, 500, new CircuitBreaker('payment', 1, 10_000));
    await expect(client.request({ path: '/unavailable' })).rejects.toMatchObject({ status: 503 });
    expect(client.breaker.current).toBe('closed');
  });

  it('leaves the breaker alone for calls that opt out', async () => {
    const client = new DownstreamClient('payment', base, 200, new CircuitBreaker('payment', 1, 10_000));
    await expect(client.request({ path: '/ok', baseUrl: 'http://127.0.0.1:2', circuit: false })).rejects.toMatchObject({
      status: 503,
    });
    expect(client.breaker.current).toBe('closed');
  });
});
