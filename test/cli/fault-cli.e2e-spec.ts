import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as GatewayModule } from '../../apps/gateway/src/app.module.js';
import { AppModule as NotificationModule } from '../../apps/notification/src/app.module.js';
import { startEventConsumer } from '../../apps/notification/src/event-consumer.js';
import { AppModule as OrderModule } from '../../apps/order/src/app.module.js';
import { AppModule as PaymentModule } from '../../apps/payment/src/app.module.js';
// @ts-expect-error: a plain ESM script without types
import { CliError, main } from '../../scripts/fault.mjs';
import { type BootedApp, boot, env, freePort, testDatabase } from '../support/boot.js';

const TOKEN = 'cli-test-admin-token';
const SERVICES = ['gateway', 'order', 'payment', 'notification'];

/** `npm run fault` against the four services (in this process, on the Docker-less adapters). */
describe('the fault CLI', () => {
  const apps: Record<string, BootedApp> = {};
  let cliEnv: Record<string, string>;
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = (await main(argv, { env: cliEnv, out: (line: string) => lines.push(line) })) as number;
    return { code, text: lines.join('\n') };
  };
  const active = async (service: string) =>
    (
      await request(apps[service]!.url)
        .get('/admin/faults?reveal=true')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200)
    ).body;

  let databases: Record<'order' | 'payment' | 'notification', string>;
  let stateDir: string;

  /** The four services on their databases (and the gateway's FAULTS_STATE_DIR): booted again, they find what was stored. */
  async function bootAll(): Promise<void> {
    const eventsPort = await freePort();
    const common = { ADMIN_TOKEN: TOKEN };
    apps.payment = await boot(
      PaymentModule.forRoot(env({ ...common, DATABASE_URL: databases.payment, PAYMENT_PROVIDER_LATENCY_MS: 0 })),
    );
    apps.notification = await boot(
      NotificationModule.forRoot(env({ ...common, DATABASE_URL: databases.notification, EVENTS_TCP_PORT: eventsPort })),
      { beforeListen: startEventConsumer },
    );
    apps.order = await boot(
      OrderModule.forRoot(
        env({
          ...common,
          DATABASE_URL: databases.order,
          PAYMENT_SERVICE_URL: apps.payment.url,
          EVENTS_TCP_PORT: eventsPort,
        }),
      ),
    );
    apps.gateway = await boot(
      GatewayModule.forRoot(
        env({
          ...common,
          ORDER_SERVICE_URL: apps.order.url,
          NOTIFICATION_SERVICE_URL: apps.notification.url,
          FAULTS_STATE_DIR: stateDir,
        }),
      ),
    );
    cliEnv = {
      ADMIN_TOKEN: TOKEN,
      GATEWAY_URL: apps.gateway.url,
      ORDER_URL: apps.order.url,
      PAYMENT_URL: apps.payment.url,
      NOTIFICATION_URL: apps.notification.url,
    };
  }
  async function closeAll(): Promise<void> {
    for (const name of ['gateway', 'order', 'notification', 'payment']) await apps[name]?.close();
  }

  beforeAll(async () => {
    databases = {
      order: await testDatabase('order'),
      payment: await testDatabase('payment'),
      notification: await testDatabase('notification'),
    };
    stateDir = await mkdtemp(join(tmpdir(), 'fault-cli-'));
    await bootAll();
  });
  afterAll(async () => {
    await closeAll();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('lists every scenario with its services and parameters', async () => {
    const { code, text } = await run('list');
    expect(code).toBe(0);
    expect(text).toMatch(/retry-storm\s+order\+payment/);
    expect(text).toContain('--latencyMs 1500 ms');
  });

  it('switches a scenario on in every service it acts in, with parameters, and off again', async () => {
    expect((await run('on', 'retry-storm', '--timeoutMs', '100', '--retries=2')).text).toContain(
      'retry-storm is on in order, payment',
    );
    for (const service of ['order', 'payment']) {
      expect((await active(service)).active).toEqual([
        { name: 'retry-storm', params: { timeoutMs: 100, retries: 2, latencyMs: 250 } },
      ]);
    }
    expect((await active('gateway')).active).toEqual([]);
    // Few rows: the seeding runs in the background, and a restart later in this file waits for it.
    await run('on', 'slow-query', '--rows', '1000');
    expect((await run('status')).text).toMatch(
      /order\s+retry-storm \(timeoutMs=100 retries=2 latencyMs=250\), slow-query/,
    );
    await run('off', 'retry-storm');
    expect((await active('order')).active.map((f: { name: string }) => f.name)).toEqual(['slow-query']);
    expect((await active('payment')).active).toEqual([]);
    expect((await run('off', '--all')).text).toBe('all faults are off');
    expect((await active('order')).active).toEqual([]);
  });

  it('switches one fault at a time: the others in the same service stay as they are, and off says when it was not on', async () => {
    await request(apps.payment!.url)
      .put('/admin/faults/payment-errors')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({ params: { probability: 0.1 } })
      .expect(201);
    await run('on', 'payment-latency', '--latencyMs', '5');
    expect((await active('payment')).active.map((f: { name: string }) => f.name)).toEqual([
      'payment-errors',
      'payment-latency',
    ]);
    expect((await run('off', 'payment-latency')).text).toBe('payment-latency is off');
    expect((await active('payment')).active).toEqual([
      { name: 'payment-errors', params: { probability: 0.1, status: 503 } },
    ]);
    expect((await run('off', 'payment-latency')).text).toBe('payment-latency was not on');
    await run('off', '--all');
  });

  it('refuses to switch a scenario on during a mystery, with what to do, and changes nothing', async () => {
    await run('mystery', '--seed', '7');
    await expect(run('on', 'retry-storm')).rejects.toThrow(
      'a mystery scenario is on; guess it or run "npm run fault -- off --all" first',
    );
    expect((await active('order')).active).toEqual([]);
    await run('off', '--all');
  });

  it('refuses unknown scenarios, parameters and values with a clear message', async () => {
    await expect(run('on', 'slow-querry')).rejects.toThrow(/unknown scenario "slow-querry"; known: payment-latency/);
    await expect(run('on', 'slow-query', '--delay', '5')).rejects.toThrow(
      /no parameter --delay; it takes --rows, --probability/,
    );
    await expect(run('on', 'slow-query', '--rows', '99999999')).rejects.toThrow(/between 1000 and 3000000/);
    await expect(run('dance')).rejects.toBeInstanceOf(CliError);
    await expect(
      main(['status'], { env: { ...cliEnv, ADMIN_TOKEN: 'wrong-token-000' }, out: () => undefined }),
    ).rejects.toThrow(/refused the admin token/);
  });

  it('plays mystery mode: a seeded hidden scenario, wrong and right guesses', async () => {
    const { text } = await run('mystery', '--seed', '7');
    const marker = /call it (mystery-[0-9a-f]+)/.exec(text)?.[1];
    expect(marker).toBeDefined();
    const states = await Promise.all(SERVICES.map(active));
    // Every service carries the marker; only where the scenario acts does it have the fault.
    expect(states.map((s) => s.marker)).toEqual(SERVICES.map(() => marker));
    const acting = states.filter((s) => s.active.length > 0);
    expect(acting.length).toBeGreaterThan(0);
    const answer = acting[0].active[0].name as string;
    // The same seed picks the same scenario.
    await run('mystery', '--seed', '7');
    expect((await Promise.all(SERVICES.map(active))).find((s) => s.active.length > 0)?.active[0].name).toBe(answer);

    const wrong = answer === 'log-flood' ? 'slow-query' : 'log-flood';
    expect(await run('guess', wrong)).toMatchObject({ code: 1 });
    const right = await run('guess', answer);
    expect(right.code).toBe(0);
    expect(right.text).toContain(`Yes: it is ${answer}`);
    expect((await active(acting[0].service)).active).toEqual([]);
    expect((await active('gateway')).marker).toBeNull();
    await expect(run('guess', answer)).rejects.toThrow(/no mystery scenario is on/);
  });

  it('does not say where the mystery acts in status, unless the trainer asks for --hints', async () => {
    const { text } = await run('mystery', '--seed', '7'); // payment-latency, in payment
    const marker = /call it (mystery-[0-9a-f]+)/.exec(text)?.[1];
    const status = (await run('status')).text;
    expect(status).toBe(`mystery ${marker} is on; answer with: npm run fault -- guess <scenario>`);
    const hints = (await run('status', '--hints')).text;
    expect(hints).toMatch(new RegExp(`^payment\\s+mystery ${marker} acts here$`, 'm'));
    expect(hints).toMatch(/^order\s+marker only$/m);
    expect(hints).not.toContain('payment-latency');
    await expect(run('status', '--reveal')).rejects.toThrow(/status takes only --hints/);
    await expect(run('off', 'payment-latency')).rejects.toThrow(/a mystery scenario is on/);
    await run('off', '--all');
  });

  it('keeps faults and the mystery across a restart of every service, and guess still works', async () => {
    await run('on', 'sequential-calls');
    await closeAll();
    await bootAll();
    expect((await run('status')).text).toMatch(/^gateway\s+sequential-calls \(probability=1\)$/m);

    const marker = /call it (mystery-[0-9a-f]+)/.exec((await run('mystery', '--seed', '8')).text)?.[1]; // payment-errors
    await closeAll();
    await bootAll();
    expect((await active('gateway')).marker).toBe(marker);
    expect((await active('payment')).active.map((f: { name: string }) => f.name)).toEqual(['payment-errors']);
    const right = await run('guess', 'payment-errors');
    expect(right.code).toBe(0);
    expect((await active('payment')).active).toEqual([]);
  });
});
