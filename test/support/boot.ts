import { configureHttpApp, type EnvSource } from '@app/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type request from 'supertest';
import { inject } from 'vitest';

export interface BootedApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** Boots an app module the way main.ts does (same HTTP setup), on a loopback port. */
export async function boot(
  module: DynamicModule,
  options: {
    port?: number;
    configure?: (app: INestApplication) => void;
    beforeListen?: (app: INestApplication) => Promise<void>;
  } = {},
): Promise<BootedApp> {
  const ref = await Test.createTestingModule({ imports: [module] }).compile();
  const app = ref.createNestApplication({ bodyParser: false, logger: ['error'] });
  configureHttpApp(app);
  options.configure?.(app);
  await app.init();
  await options.beforeListen?.(app);
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A loopback port that nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let databases = 0;

/** A fresh, empty PostgreSQL database for one app in one test (its DATABASE_URL); dropped when the run ends. */
export async function testDatabase(service: string): Promise<string> {
  const adminUrl = inject('databaseAdminUrl');
  const name = `${inject('databasePrefix')}${process.pid}_${++databases}_${service}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** `count` different loopback ports that nothing listens on (yet): all held open until each is chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function env(values: Record<string, string | number | undefined>): EnvSource {
  return Object.fromEntries(
    Object.entries({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...values }).map(([k, v]) => [
      k,
      v === undefined ? undefined : String(v),
    ]),
  );
}

export const ORDER = {
  customerId: 'c-42',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 12.5 }],
  payment: { cardNumber: '4242424242424242' },
};

/** A new customer with `count` orders placed through `POST path` (each answered 201); returns the customer's id. */
export async function customerWithOrders(
  http: ReturnType<typeof request>,
  path: string,
  count: number,
): Promise<string> {
  const customerId = `c-${crypto.randomUUID()}`;
  for (let i = 0; i < count; i++)
    await http
      .post(path)
      .send({ ...ORDER, customerId })
      .expect(201);
  return customerId;
}

/**
 * An order service's variables for a test that drives it by hand: its own database, the payment
 * service at `paymentUrl`, and the outbox relay and the reconciler all but asleep (once a minute).
 */
export async function orderBehind(paymentUrl: string): Promise<Record<string, string | number>> {
  return {
    DATABASE_URL: await testDatabase('order'),
    PAYMENT_SERVICE_URL: paymentUrl,
    EVENTS_TCP_PORT: await freePort(),
    OUTBOX_POLL_INTERVAL_MS: 60_000,
    RECONCILE_INTERVAL_MS: 60_000,
  };
}
