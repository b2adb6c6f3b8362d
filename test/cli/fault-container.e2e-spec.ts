import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule as GatewayModule } from '../../apps/gateway/src/app.module.js';
import { AppModule as NotificationModule } from '../../apps/notification/src/app.module.js';
import { startEventConsumer } from '../../apps/notification/src/event-consumer.js';
import { AppModule as OrderModule } from '../../apps/order/src/app.module.js';
import { AppModule as PaymentModule } from '../../apps/payment/src/app.module.js';
import { type BootedApp, boot, env, freePort, testDatabase } from '../support/boot.js';
import { type ConfiguredService, type Layout, composeConfig, layOut } from '../support/compose-config.js';

const SERVICES = ['gateway', 'order', 'payment', 'notification'] as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `docker compose run --rm fault <command>` without Docker: the fault service as compose reads it
 * (test/support/compose-config.ts), its mounts copied to the container's paths under a temporary
 * folder, its entrypoint run there by this Node 24 (the image's major), against the four services
 * booted with the token .env gives them. A mount at the wrong path fails here as in the container.
 */
describe('the fault service (docker compose run --rm fault …)', () => {
  const project = composeConfig();
  const fault = project.services.fault as ConfiguredService;
  const folders: string[] = [];
  const apps: Partial<Record<(typeof SERVICES)[number], BootedApp>> = {};
  let layout: Layout;
  let cliEnv: Record<string, string>;

  const lay = (skip: string[] = []) => {
    const root = mkdtempSync(join(tmpdir(), 'fault-container-'));
    folders.push(root);
    return layOut(fault, root, skip);
  };
  const run = (args: string[], at = layout): Promise<Run> => {
    const [node, ...rest] = at.argv;
    expect(node, 'the entrypoint starts node').toBe('node');
    // The command ([status]) is the default only: `run --rm fault <args>` replaces it.
    const script = rest.slice(0, rest.length - (fault.command?.length ?? 0));
    return new Promise((done) =>
      execFile(
        process.execPath,
        [...script, ...args],
        { cwd: at.cwd, env: cliEnv, timeout: 20_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  };
  const active = async (service: (typeof SERVICES)[number]) =>
    (
      await request(apps[service]!.url)
        .get('/admin/faults?reveal=true')
        .set('Authorization', `Bearer ${fault.environment?.ADMIN_TOKEN}`)
        .expect(200)
    ).body;

  beforeAll(async () => {
    layout = lay();
    const token = String(fault.environment?.ADMIN_TOKEN);
    const eventsPort = await freePort();
    apps.payment = await boot(
      PaymentModule.forRoot(
        env({ ADMIN_TOKEN: token, DATABASE_URL: await testDatabase('payment'), PAYMENT_PROVIDER_LATENCY_MS: 0 }),
      ),
    );
    apps.notification = await boot(
      NotificationModule.forRoot(
        env({ ADMIN_TOKEN: token, DATABASE_URL: await testDatabase('notification'), EVENTS_TCP_PORT: eventsPort }),
      ),
      { beforeListen: startEventConsumer },
    );
    apps.order = await boot(
      OrderModule.forRoot(
        env({
          ADMIN_TOKEN: token,
          DATABASE_URL: await testDatabase('order'),
          PAYMENT_SERVICE_URL: apps.payment.url,
          EVENTS_TCP_PORT: eventsPort,
        }),
      ),
    );
    apps.gateway = await boot(
      GatewayModule.forRoot(
        env({ ADMIN_TOKEN: token, ORDER_SERVICE_URL: apps.order.url, NOTIFICATION_SERVICE_URL: apps.notification.url }),
      ),
    );
    // The container's addresses (http://payment:3002) point here at the same services, booted on free ports.
    cliEnv = Object.fromEntries(
      Object.entries(fault.environment ?? {}).map(([key, value]) => {
        const service = SERVICES.find((s) => key === `${s.toUpperCase()}_URL`);
        return [key, service ? apps[service]!.url : String(value ?? '')];
      }),
    );
  });
  afterAll(async () => {
    for (const service of SERVICES) await apps[service]?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('addresses each service by its compose name, on the port that service listens on, with the token .env gives them all', () => {
    for (const service of SERVICES) {
      const url = new URL(String(fault.environment?.[`${service.toUpperCase()}_URL`]));
      expect(url.hostname, service).toBe(service);
      expect(url.port, service).toBe(String(project.services[service]!.environment?.PORT));
      expect(fault.environment?.ADMIN_TOKEN).toBe(project.services[service]!.environment?.ADMIN_TOKEN);
    }
  });

  it('runs the CLI from the mounted files alone: list prints the catalogue it imports', async () => {
    const { code, stdout, stderr } = await run(['list']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/payment-latency\s+payment\s/);
    expect(stderr, 'no warning for the participant').toBe('');
  });

  it('switches a scenario on, shows it in status, and off again', async () => {
    const on = await run(['on', 'payment-latency', '--latencyMs', '800']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('payment-latency is on in payment: latencyMs=800');
    expect((await active('payment')).active).toEqual([
      { name: 'payment-latency', params: { latencyMs: 800, probability: 1 } },
    ]);
    expect((await run(['status'])).stdout).toMatch(/payment\s+payment-latency \(latencyMs=800 probability=1\)/);
    expect((await run(['off', '--all'])).code).toBe(0);
    expect((await active('payment')).active).toEqual([]);
  });

  it('plays mystery mode with a seed, and judges guesses by exit code', async () => {
    const mystery = await run(['mystery', '--seed', '7']);
    expect(mystery.code, mystery.stderr).toBe(0);
    const marker = /call it (mystery-[0-9a-f]+)/.exec(mystery.stdout)?.[1];
    // The hint names the command a Docker-only participant has, not npm.
    expect(mystery.stdout).toContain('then: docker compose run --rm fault guess <scenario>');
    const states = await Promise.all(SERVICES.map(active));
    // Every service carries the marker; the answer is where the fault is on.
    expect(states.every((s) => s.marker === marker)).toBe(true);
    const answer = states.find((s) => s.active.length > 0)?.active[0]?.name as string;
    expect(answer).toBeDefined();
    expect((await run(['guess', answer === 'n-plus-one' ? 'slow-query' : 'n-plus-one'])).code).toBe(1);
    const right = await run(['guess', answer]);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`Yes: it is ${answer}`);
  });

  it('answers a mistake with exit code 2 and a message', async () => {
    const { code, stderr } = await run(['on', 'no-such-scenario']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown scenario "no-such-scenario"/);
  });

  it('fails, as the container would, when the catalogue the script imports is not mounted where it looks', async () => {
    const catalogue = (fault.volumes ?? []).find((v) => v.source.endsWith('libs/faults/src/catalogue.ts'));
    expect(catalogue, 'the fault service mounts libs/faults/src/catalogue.ts').toBeDefined();
    const { code, stderr } = await run(['list'], lay([catalogue!.target]));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
  });
});
