import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type LoggerOptions } from 'pino';
import { pinoHttp } from 'pino-http';
import { describe, expect, it } from 'vitest';
import { loggerParams, maskLogObject, routeOf } from './logger-options.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const options = loggerParams({ service: 'order', level, format: 'json' }).pinoHttp as LoggerOptions;
  return { logger: pino({ ...options, transport: undefined }, stream), lines };
}

/** One GET `path` through pino-http with the service's options; the lines it logged. */
async function requestThroughLogger(
  path: string,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Record<string, unknown>[]> {
  const { logger, lines } = capture();
  const options = loggerParams({ service: 'order', level: 'info', format: 'json' }).pinoHttp as object;
  const middleware = pinoHttp({ ...options, logger, transport: undefined } as never);
  const server = createServer((req, res) => {
    middleware(req, res);
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    server.close();
  }
  return lines;
}

describe('loggerParams()', () => {
  it('writes JSON lines with ISO time, a level label, the service and msg', () => {
    const { logger, lines } = capture();
    logger.info({ order_id: 'o-1' }, 'order paid');
    expect(lines[0]).toMatchObject({ level: 'info', service: 'order', msg: 'order paid', order_id: 'o-1' });
    expect(String(lines[0].time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('redacts authorization, cookies and set-cookie headers', () => {
    const { logger, lines } = capture();
    logger.info({
      req: { headers: { authorization: 'Bearer secret', cookie: 'session=abc', accept: 'json' } },
      res: { headers: { 'set-cookie': 'session=abc' } },
    });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('session=abc');
  });

  it('masks card numbers in any field and in the message', () => {
    const { logger, lines } = capture();
    logger.info(
      { body: { payment: { cardNumber: '4242424242424242' } }, note: 'card 5555555555554444' },
      'charging 378282246310005',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/4242424242424242|5555555555554444|378282246310005/);
    expect(text).toContain('****4444');
  });

  it('masks a card number in the URL of a request line', async () => {
    const lines = await requestThroughLogger('/pay?card=4242424242424242', (_req, res) => res.end('ok'));
    const line = lines.find((l) => String(l.msg).startsWith('GET'));
    expect(line?.req).toMatchObject({ url: '/pay?card=[CARD ****4242]' });
    expect(JSON.stringify(lines)).not.toContain('4242424242424242');
  });

  it('puts method, status code and duration on the request line, as fields of that line only', async () => {
    const lines = await requestThroughLogger('/missing', (req, res) => {
      (req as IncomingMessage & { log: { info: (m: string) => void } }).log.info('inside the request');
      res.statusCode = 404;
      res.end('no');
    });
    const line = lines.find((l) => l.msg === 'GET unmatched 404');
    expect(line).toMatchObject({
      level: 'warn',
      method: 'GET',
      route: 'unmatched',
      status_code: 404,
      duration_ms: expect.any(Number),
    });
    expect(line?.req).toMatchObject({ url: '/missing' });
    const inside = lines.find((l) => l.msg === 'inside the request');
    expect(inside?.req).toMatchObject({ url: '/missing' });
    expect(inside).not.toHaveProperty('status_code');
  });

  it('replaces passwords, tokens and card number fields at any depth', () => {
    const { logger, lines } = capture();
    logger.info(
      { password: 'hunter2', session: { token: 'tok-123' }, deep: { a: { b: { cardNumber: '4000000000000002' } } } },
      'login',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/tok-123|hunter2|4000000000000002/);
    expect(lines[0]).toMatchObject({
      password: '[REDACTED]',
      session: { token: '[REDACTED]' },
      deep: { a: { b: { cardNumber: '[REDACTED]' } } },
    });
  });

  it('respects the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });
});

describe('maskLogObject()', () => {
  it('leaves live request and response objects to their serializers and masks every other field', () => {
    const req = Object.create(IncomingMessage.prototype) as IncomingMessage;
    const res = Object.create(ServerResponse.prototype) as ServerResponse;
    const masked = maskLogObject({ req, res, note: '4242424242424242', nested: { card: '5555555555554444' } });
    expect(masked.req).toBe(req);
    expect(masked.res).toBe(res);
    expect(masked.note).toBe('[CARD ****4242]');
    expect(masked.nested).toEqual({ card: '[CARD ****4444]' });
  });

  it('still masks plain objects that happen to be called req', () => {
    expect(maskLogObject({ req: { url: '/x?c=4242424242424242' } }).req).toEqual({ url: '/x?c=[CARD ****4242]' });
  });
});

describe('routeOf()', () => {
  it('names the route template, never the raw URL, and unmatched requests as such', () => {
    const req = (extra: object) => ({ url: '/api/orders/123?x=1', ...extra }) as never;
    expect(routeOf(req({ baseUrl: '', route: { path: '/api/orders/:id' } }))).toBe('/api/orders/:id');
    expect(routeOf(req({ baseUrl: '/api', route: { path: '/orders/:id' } }))).toBe('/api/orders/:id');
    expect(routeOf(req({}))).toBe('unmatched');
    expect(routeOf(req({ baseUrl: '', route: { path: '{/*splat}' } }))).toBe('unmatched');
  });
});
