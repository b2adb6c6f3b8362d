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
    (await request(apps[service]!.url).get('/admin/faults?reveal=true').set('Authorization', `Bearer ${TOKEN}`).expect(200)).body;

  beforeAll(async () => {
    const eventsPort = await freePort();
    const common = { ADMIN_TOKEN: TOKEN };
    apps.payment = await boot(PaymentModule.forRoot(env({ ...common, DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0 })));
    apps.notification = await boot(
      NotificationModule.forRoot(env({ ...common, DATABASE_URL: await testDatabase('notification'), EVENTS_TCP_PORT: eventsPort })),
      { beforeListen: startEventConsumer },
    );
    apps.order = await boot(
      OrderModule.forRoot(env({ ...common, DATABASE_URL: await testDatabase('order'), PAYMENT_SERVICE_URL: apps.payment.url, EVENTS_TCP_PORT: eventsPort })),
    );
    apps.gateway = await boot(
      GatewayModule.forRoot(env({ ...common, ORDER_SERVICE_URL: apps.order.url, NOTIFICATION_SERVICE_URL: apps.notification.url })),
    );
    cliEnv = {
      ADMIN_TOKEN: TOKEN,
      GATEWAY_URL: apps.gateway.url,
      ORDER_URL: apps.order.url,
      PAYMENT_URL: apps.payment.url,
      NOTIFICATION_URL: apps.notification.url,
    };
  });
  afterAll(async () => {
    for (const name of ['gateway', 'order', 'notification', 'payment']) await apps[name]?.close();
  });

  it('lists every scenario with its services and parameters', async () => {
    const { code, text } = await run('list');
    expect(code).toBe(0);
    expect(text).toMatch(/retry-storm\s+order\+payment/);
    expect(text).toContain('--latencyMs 1500 ms');
  });

  it('switches a scenario on in every service it acts in, with parameters, and off again', async () => {
    expect((await run('on', 'retry-storm', '--timeoutMs', '100', '--retries=2')).text).toContain('retry-storm is on in order, payment');
    for (const service of ['order', 'payment']) {
      expect((await active(service)).active).toEqual([{ name: 'retry-storm', params: { timeoutMs: 100, retries: 2, latencyMs: 250 } }]);
    }
    expect((await active('gateway')).active).toEqual([]);
    await run('on', 'slow-query');
    expect((await run('status')).text).toMatch(/order\s+retry-storm \(timeoutMs=100 retries=2 latencyMs=250\), slow-query/);
    await run('off', 'retry-storm');
    expect((await active('order')).active.map((f: { name: string }) => f.name)).toEqual(['slow-query']);
    expect((await active('payment')).active).toEqual([]);
    expect((await run('off', '--all')).text).toBe('all faults are off');
    expect((await active('order')).active).toEqual([]);
  });

  it('refuses unknown scenarios, parameters and values with a clear message', async () => {
    await expect(run('on', 'slow-querry')).rejects.toThrow(/unknown scenario "slow-querry"; known: payment-latency/);
    await expect(run('on', 'slow-query', '--delay', '5')).rejects.toThrow(/no parameter --delay; it takes --rows, --probability/);
    await expect(run('on', 'slow-query', '--rows', '99999999')).rejects.toThrow(/between 1000 and 3000000/);
    await expect(run('dance')).rejects.toBeInstanceOf(CliError);
    await expect(main(['status'], { env: { ...cliEnv, ADMIN_TOKEN: 'wrong-token-000' }, out: () => undefined })).rejects.toThrow(
      /refused the admin token/,
    );
  });

  it('plays mystery mode: a seeded hidden scenario, wrong and right guesses', async () => {
    const { text } = await run('mystery', '--seed', '7');
    const marker = /call it (mystery-[0-9a-f]+)/.exec(text)?.[1];
    expect(marker).toBeDefined();
    const states = await Promise.all(['gateway', 'order', 'payment', 'notification'].map(active));
    const on = states.filter((s) => s.marker === marker);
    expect(on.length).toBeGreaterThan(0);
    const answer = on[0].active[0].name as string;
    // The same seed picks the same scenario.
    await run('mystery', '--seed', '7');
    expect((await Promise.all(['gateway', 'order', 'payment', 'notification'].map(active))).find((s) => s.marker)?.active[0].name).toBe(answer);

    const wrong = answer === 'log-flood' ? 'slow-query' : 'log-flood';
    expect(await run('guess', wrong)).toMatchObject({ code: 1 });
    const right = await run('guess', answer);
    expect(right.code).toBe(0);
    expect(right.text).toContain(`Yes: it is ${answer}`);
    expect((await active(on[0].service)).active).toEqual([]);
    await expect(run('guess', answer)).rejects.toThrow(/no mystery scenario is on/);
  });
});
