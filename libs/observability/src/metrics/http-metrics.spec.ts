import express from 'express';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { httpMetricsMiddleware } from './http-metrics.js';
import { metricsRegistry } from './registry.js';

const count = async (status: string) => {
  const metric = await metricsRegistry.getSingleMetric('http_server_request_duration_seconds')!.get();
  return metric.values
    .filter(
      (v) =>
        (v as { metricName?: string }).metricName === 'http_server_request_duration_seconds_count' &&
        v.labels.status_code === status &&
        v.labels.route === '/slow-499',
    )
    .reduce((sum, v) => sum + v.value, 0);
};

describe('httpMetricsMiddleware', () => {
  it('counts a request whose caller hung up before the answer as 499', async () => {
    const app = express();
    app.use(httpMetricsMiddleware);
    app.get('/slow-499', async (_req, res) => {
      await sleep(150);
      if (!res.destroyed) res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const before = await count('499');
      const { port } = server.address() as AddressInfo;
      await expect(fetch(`http://127.0.0.1:${port}/slow-499`, { signal: AbortSignal.timeout(30) })).rejects.toThrow();
      await sleep(250);
      expect(await count('499')).toBe(before + 1);
      expect(await count('200')).toBe(0);
    } finally {
      server.close();
    }
  });
});
