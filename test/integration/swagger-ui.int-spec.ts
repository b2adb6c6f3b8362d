import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumArgs } from '../../scripts/ci/chromium.mjs';
import { Stack } from './support/stack.js';

/**
 * A participant without curl: Swagger UI at the gateway's /api/docs, in Debian's Chromium (headless, driven by
 * puppeteer-core, no browser download), places an order against the four services as real processes.
 */
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run node scripts/ci/chromium.mjs (test:ci does)`);
  stack = new Stack({ basePort: 25800 });
  await stack.up();
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs() });
});

afterAll(async () => {
  await browser?.close();
  await stack?.down();
});

describe('Swagger UI at /api/docs', () => {
  it("places an order from the operation's example body with Try it out → Execute, and shows the 201", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.urls.gateway}/api/docs`, { waitUntil: 'networkidle0' });
    const operation = '#operations-orders-OrdersController_create';
    const click = async (selector: string) =>
      (await page.waitForSelector(`${operation} ${selector}`, { visible: true }))!.click();
    await click('.opblock-summary');
    await click('.try-out__btn');
    await click('.execute');
    await page.waitForSelector(`${operation} .live-responses-table tr.response .response-col_status`, {
      timeout: 15_000,
    });
    const status = await page.$eval(`${operation} .live-responses-table tr.response .response-col_status`, (el) =>
      el.textContent?.trim(),
    );
    const body = await page.$eval(
      `${operation} .live-responses-table tr.response .response-col_description pre`,
      (el) => el.textContent ?? '',
    );
    expect(status).toBe('201');
    const order = JSON.parse(body) as { id: string; status: string; cardLast4: string };
    expect(order).toMatchObject({ status: 'paid', cardLast4: '4242' });
    // The order really exists behind the gateway.
    const stored = await fetch(`${stack.urls.gateway}/api/orders/${order.id}`);
    expect(stored.status).toBe(200);
  });
});
