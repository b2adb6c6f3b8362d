import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminFaults } from '../../../test/support/admin-faults.js';
import { type BootedApp, boot, env } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

const TOKEN = 'test-admin-token-123';
const auth = { Authorization: `Bearer ${TOKEN}` };
const SEQUENTIAL = { name: 'sequential-calls', params: { probability: 1 } };

/** The gateway has no database: its faults live in a file under FAULTS_STATE_DIR, shared by its replicas. */
describe('gateway faults kept under FAULTS_STATE_DIR (e2e)', () => {
  let root: string;
  const running: BootedApp[] = [];
  const start = async (dir?: string) => {
    const app = await boot(AppModule.forRoot(env({ ADMIN_TOKEN: TOKEN, FAULTS_STATE_DIR: dir })));
    running.push(app);
    return app;
  };
  const { get, put } = adminFaults(auth);

  beforeAll(async () => (root = await mkdtemp(join(tmpdir(), 'gateway-faults-'))));
  afterEach(async () => {
    for (const app of running.splice(0)) await app.close();
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps a fault and the mystery marker across a restart', async () => {
    const dir = join(root, 'restart');
    const first = await start(dir);
    await put(first, [SEQUENTIAL], 'mystery-77aa88bb');
    await first.close();
    running.splice(running.indexOf(first), 1);
    expect(await get(await start(dir))).toMatchObject({
      active: [SEQUENTIAL],
      marker: 'mystery-77aa88bb',
      store: join(dir, 'gateway-faults.json'),
    });
  });

  it('switches a fault on in a second replica that shares the directory within a few seconds', async () => {
    const dir = join(root, 'replicas');
    const [a, b] = [await start(dir), await start(dir)];
    await put(a, [SEQUENTIAL]);
    await expect.poll(async () => (await get(b)).active, { timeout: 5_000, interval: 200 }).toEqual([SEQUENTIAL]);
    await put(b, []);
    await expect.poll(async () => (await get(a)).active, { timeout: 5_000, interval: 200 }).toEqual([]);
  });

  it('fans a per-fault PUT and DELETE out to a replica that shares the directory', async () => {
    const dir = join(root, 'per-fault');
    const [a, b] = [await start(dir), await start(dir)];
    await request(a.url).put('/admin/faults/sequential-calls').set(auth).send({}).expect(201);
    await expect.poll(async () => (await get(b)).active, { timeout: 5_000, interval: 200 }).toEqual([SEQUENTIAL]);
    await request(b.url).delete('/admin/faults/sequential-calls').set(auth).expect(204);
    await expect.poll(async () => (await get(a)).active, { timeout: 5_000, interval: 200 }).toEqual([]);
    await request(a.url).delete('/admin/faults/sequential-calls').set(auth).expect(404);
  });

  it('keeps them in memory only without FAULTS_STATE_DIR', async () => {
    const first = await start();
    expect((await put(first, [SEQUENTIAL])).body.store).toBe('memory only');
    await first.close();
    running.splice(running.indexOf(first), 1);
    expect((await get(await start())).active).toEqual([]);
  });

  it('refuses to boot when FAULTS_STATE_DIR cannot be written', async () => {
    const file = join(root, 'not-a-directory');
    await writeFile(file, '');
    await expect(start(join(file, 'faults'))).rejects.toThrow(
      /FAULTS_STATE_DIR .*not-a-directory\/faults cannot be written/,
    );
  });
});
