import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BootedApp, boot, env, testDatabase } from '../../../test/support/boot.js';
import { AppModule } from '../src/app.module.js';

const TOKEN = 'workshop-alert-token-0123456789';
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** A notification as Alertmanager 0.28 posts it (payload version 4), for one alert group. */
function notification(
  alerts: Array<{
    status: 'firing' | 'resolved';
    alertname: string;
    severity: string;
    startsAt: string;
    endsAt?: string;
  }>,
) {
  // Alertmanager hashes the label set; any stable 16-hex-digit value per alert will do here.
  const fingerprint = (a: { alertname: string }) =>
    createHash('sha256').update(`${a.alertname}/payment`).digest('hex').slice(0, 16);
  return {
    receiver: 'critical-pager',
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: {
        alertname: a.alertname,
        service: 'payment',
        severity: a.severity,
        job: 'payment',
        instance: 'payment:3002',
      },
      annotations: {
        summary: `${a.alertname} on payment`,
        description: 'p95 latency of POST /payments is above 500 ms for 5 minutes.',
        runbook_url: 'https://github.com/example/workshop/blob/main/docs/runbooks/high-p95-latency.md',
      },
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? ZERO_TIME,
      generatorURL: 'http://prometheus:9090/graph?g0.expr=histogram_quantile%280.95%2C+...%29&g0.tab=1',
      fingerprint: fingerprint(a),
    })),
    groupLabels: { alertname: alerts[0]!.alertname, service: 'payment' },
    commonLabels: { service: 'payment', job: 'payment' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}/{severity="critical"}:{alertname="${alerts[0]!.alertname}", service="payment"}`,
    truncatedAlerts: 0,
  };
}

/** Distinct start times per test, so tests don't see each other's rows as re-sends. */
let minute = 0;
const startTime = () => new Date(Date.UTC(2030, 0, 1, 10, minute++)).toISOString().replace('.000Z', '.123456789Z');

describe('notification service: Alertmanager webhook (e2e)', () => {
  let svc: BootedApp;
  let http: ReturnType<typeof request>;
  const post = (body: unknown, token: string | null = TOKEN) => {
    const req = http.post('/alerts');
    return token === null ? req.send(body as object) : req.set('Authorization', `Bearer ${token}`).send(body as object);
  };
  const list = async (query = '') =>
    (await http.get(`/alerts${query}`).expect(200)).body.data as Array<Record<string, unknown>>;

  beforeAll(async () => {
    svc = await boot(
      AppModule.forRoot(env({ DATABASE_URL: await testDatabase('notification'), ALERT_WEBHOOK_TOKEN: TOKEN })),
    );
    http = request(svc.url);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await svc?.close();
  });

  it('stores a firing alert and, later, its resolution as two rows', async () => {
    const startsAt = startTime();
    await post(
      notification([{ status: 'firing', alertname: 'HighP95Latency', severity: 'critical', startsAt }]),
    ).expect(200, { stored: 1, duplicates: 0 });
    const endsAt = '2030-01-01T12:00:00.5Z';
    await post(
      notification([{ status: 'resolved', alertname: 'HighP95Latency', severity: 'critical', startsAt, endsAt }]),
    ).expect(200, { stored: 1, duplicates: 0 });

    const [resolved, firing] = (await list()).filter((a) => a.startsAt === new Date(startsAt).toISOString());
    expect(firing).toMatchObject({
      status: 'firing',
      alertname: 'HighP95Latency',
      severity: 'critical',
      service: 'payment',
      summary: 'HighP95Latency on payment',
      endsAt: null,
      labels: {
        alertname: 'HighP95Latency',
        service: 'payment',
        severity: 'critical',
        job: 'payment',
        instance: 'payment:3002',
      },
    });
    expect(resolved).toMatchObject({
      status: 'resolved',
      fingerprint: firing!.fingerprint,
      endsAt: '2030-01-01T12:00:00.500Z',
    });
  });

  it('stores each alert of a grouped notification', async () => {
    const startsAt = startTime();
    const body = notification([
      { status: 'firing', alertname: 'HighErrorRatio', severity: 'warning', startsAt },
      { status: 'firing', alertname: 'EventLoopLag', severity: 'warning', startsAt },
    ]);
    await post(body).expect(200, { stored: 2, duplicates: 0 });
    const names = (await list()).filter((a) => a.startsAt === new Date(startsAt).toISOString()).map((a) => a.alertname);
    expect(names.sort()).toEqual(['EventLoopLag', 'HighErrorRatio']);
  });

  it('stores an alert that Alertmanager re-sends only once', async () => {
    const body = notification([
      { status: 'firing', alertname: 'ServiceDown', severity: 'critical', startsAt: startTime() },
    ]);
    await post(body).expect(200, { stored: 1, duplicates: 0 });
    await post(body).expect(200, { stored: 0, duplicates: 1 });
    await post(body).expect(200, { stored: 0, duplicates: 1 });
    const fingerprint = body.alerts[0]!.fingerprint;
    const startsAt = new Date(body.alerts[0]!.startsAt).toISOString();
    expect(
      (await list('?limit=100')).filter((a) => a.fingerprint === fingerprint && a.startsAt === startsAt),
    ).toHaveLength(1);
  });

  it('stores an alert once when copies arrive at the same time (Alertmanager HA peers)', async () => {
    const body = notification([
      { status: 'firing', alertname: 'HighCpu', severity: 'critical', startsAt: startTime() },
    ]);
    const results = await Promise.all([1, 2, 3, 4].map(() => post(body).expect(200)));
    expect(results.map((r) => r.body.stored).reduce((a, b) => a + b)).toBe(1);
  });

  it('logs one structured line per stored alert: warn when firing, log when resolved', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const log = vi.spyOn(Logger.prototype, 'log');
    const startsAt = startTime();
    const firing = notification([{ status: 'firing', alertname: 'EventLoopLag', severity: 'warning', startsAt }]);
    await post(firing).expect(200);
    await post(firing).expect(200); // a re-send logs nothing new
    await post(
      notification([
        { status: 'resolved', alertname: 'EventLoopLag', severity: 'warning', startsAt, endsAt: startTime() },
      ]),
    ).expect(200);

    const fields = {
      alertname: 'EventLoopLag',
      severity: 'warning',
      alert_service: 'payment',
      fingerprint: firing.alerts[0]!.fingerprint,
    };
    const lines = (spy: typeof warn, msg: string) =>
      spy.mock.calls.filter(([line]) => (line as { msg?: string })?.msg === msg);
    expect(lines(warn, 'alert firing: EventLoopLag')).toEqual([[expect.objectContaining(fields)]]);
    expect(lines(log, 'alert resolved: EventLoopLag')).toEqual([[expect.objectContaining(fields)]]);
    warn.mockRestore();
    log.mockRestore();
  });

  it('counts stored alerts in alerts_received_total by alertname, severity and status', async () => {
    const metric = async () => {
      const text = (await http.get('/metrics').expect(200)).text;
      const line = text
        .split('\n')
        .find((l) => l.startsWith('alerts_received_total{alertname="DiskAlmostFull",severity="info",status="firing"}'));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const before = await metric();
    const body = notification([
      { status: 'firing', alertname: 'DiskAlmostFull', severity: 'info', startsAt: startTime() },
    ]);
    await post(body).expect(200);
    await post(body).expect(200);
    expect(await metric()).toBe(before + 1);
  });

  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const res = await post(
      notification([{ status: 'firing', alertname: 'ServiceDown', severity: 'critical', startsAt: startTime() }]),
      null,
    ).expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body.message).toBe('missing or invalid bearer token');
  });

  it('answers 401 to a wrong token and stores nothing', async () => {
    const body = notification([
      { status: 'firing', alertname: 'WrongTokenProbe', severity: 'critical', startsAt: startTime() },
    ]);
    await post(body, 'not-the-token').expect(401);
    await http
      .post('/alerts')
      .set('Authorization', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)
      .send(body)
      .expect(401);
    expect((await list('?limit=100')).filter((a) => a.alertname === 'WrongTokenProbe')).toEqual([]);
  });

  describe('answers 400 naming the field of a malformed payload', () => {
    const valid = () =>
      notification([{ status: 'firing', alertname: 'ServiceDown', severity: 'critical', startsAt: startTime() }]);
    const fieldsOf = async (body: unknown) =>
      ((await post(body).expect(400)).body.errors as Array<{ field: string }>).map((e) => e.field);

    it('an unknown payload version', async () => {
      expect(await fieldsOf({ ...valid(), version: '3' })).toEqual(['version']);
    });

    it('a missing or empty alerts list', async () => {
      const withoutAlerts: Partial<ReturnType<typeof valid>> = valid();
      delete withoutAlerts.alerts;
      expect(await fieldsOf(withoutAlerts)).toEqual(['alerts']);
      expect(await fieldsOf({ ...valid(), alerts: [] })).toEqual(['alerts']);
    });

    it('an alert with a bad status, timestamp, fingerprint or label value', async () => {
      const body = valid();
      const [alert] = body.alerts;
      Object.assign(alert!, {
        status: 'pending',
        startsAt: 'yesterday',
        fingerprint: '',
        labels: { ...alert!.labels, replicas: 3 },
      });
      expect((await fieldsOf(body)).sort()).toEqual([
        'alerts.0.fingerprint',
        'alerts.0.labels',
        'alerts.0.startsAt',
        'alerts.0.status',
      ]);
    });

    it('a body that is not an object', async () => {
      const res = await http
        .post('/alerts')
        .set('Authorization', `Bearer ${TOKEN}`)
        .set('Content-Type', 'application/json')
        .send('[1,2]')
        .expect(400);
      expect(res.body.field).toBe('body');
    });
  });

  it('ignores fields a newer Alertmanager may add', async () => {
    const body = notification([
      { status: 'firing', alertname: 'FutureField', severity: 'info', startsAt: startTime() },
    ]);
    await post({ ...body, newTopLevel: true, alerts: body.alerts.map((a) => ({ ...a, silencedBy: [] })) }).expect(200, {
      stored: 1,
      duplicates: 0,
    });
  });

  it('lists stored alerts newest first, filtered by status and limited', async () => {
    const startsAt = startTime();
    await post(notification([{ status: 'firing', alertname: 'ListedFirst', severity: 'warning', startsAt }])).expect(
      200,
    );
    await post(
      notification([
        { status: 'resolved', alertname: 'ListedFirst', severity: 'warning', startsAt, endsAt: startTime() },
      ]),
    ).expect(200);
    await post(
      notification([{ status: 'firing', alertname: 'ListedLast', severity: 'warning', startsAt: startTime() }]),
    ).expect(200);

    expect((await list('?limit=2')).map((a) => [a.alertname, a.status])).toEqual([
      ['ListedLast', 'firing'],
      ['ListedFirst', 'resolved'],
    ]);
    const resolved = await list('?status=resolved&limit=100');
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((a) => a.status === 'resolved')).toBe(true);
    const received = (await list('?limit=100')).map((a) => a.receivedAt as string);
    expect(received).toEqual([...received].sort().reverse());
  });

  it('answers 400 to a bad status filter or limit', async () => {
    expect((await http.get('/alerts?status=pending').expect(400)).body.errors[0].field).toBe('status');
    await http.get('/alerts?limit=0').expect(400);
  });
});

describe('notification service: Alertmanager webhook without ALERT_WEBHOOK_TOKEN (e2e)', () => {
  let svc: BootedApp;

  beforeAll(async () => {
    svc = await boot(AppModule.forRoot(env({ DATABASE_URL: await testDatabase('notification') })));
  });
  afterAll(() => svc?.close());

  it('answers 503 "alert webhook not configured", whatever the token', async () => {
    const body = notification([
      { status: 'firing', alertname: 'ServiceDown', severity: 'critical', startsAt: startTime() },
    ]);
    const res = await request(svc.url).post('/alerts').set('Authorization', `Bearer ${TOKEN}`).send(body).expect(503);
    expect(res.body.message).toBe('alert webhook not configured');
    await request(svc.url).post('/alerts').send(body).expect(503);
  });

  it('still lists alerts', async () => {
    expect((await request(svc.url).get('/alerts').expect(200)).body).toEqual({ data: [] });
  });
});
