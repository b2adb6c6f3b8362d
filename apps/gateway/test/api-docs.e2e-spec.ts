import { MAX_ITEMS_PER_ORDER, MAX_QUANTITY } from '@app/contracts';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedApp, boot, env } from '../../../test/support/boot.js';
import { setupApiDocs } from '../src/api-docs/api-docs.js';
import { AppModule } from '../src/app.module.js';

type Operation = { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: unknown }> };
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; properties: Record<string, Record<string, unknown>> }> };
};

/** The gateway's OpenAPI contract at /api/docs: no downstream service is needed to serve it. */
describe('gateway API docs (e2e)', () => {
  let gateway: BootedApp;
  let doc: Document;

  beforeAll(async () => {
    gateway = await boot(
      AppModule.forRoot(
        env({
          ORDER_SERVICE_URL: 'http://127.0.0.1:9',
          NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:9',
          ADMIN_TOKEN: 'test-admin-token-123',
        }),
      ),
      { configure: setupApiDocs },
    );
    doc = (await request(gateway.url).get('/api/docs/openapi.json').expect(200).expect('content-type', /json/))
      .body as Document;
  });
  afterAll(() => gateway.close());

  it('serves a document that is valid against the OpenAPI specification schema', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\./);
  });

  it('serves Swagger UI from the gateway itself, with no CDN', async () => {
    const page = await request(gateway.url).get('/api/docs').redirects(1).expect(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)\./);
  });

  it('lists every public route and none of the admin or health routes', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/notifications', '/api/orders', '/api/orders/{id}']);
    expect(Object.keys(doc.paths['/api/orders']!).sort()).toEqual(['get', 'post']);
  });

  it('documents every answer of POST /api/orders in the README table, errors in the shared error shape', () => {
    const post = doc.paths['/api/orders']!.post!;
    expect(Object.keys(post.responses).sort()).toEqual(['201', '400', '409', '413', '415', '422', '502', '503', '504']);
    for (const status of ['400', '409', '413', '415', '422', '502', '503', '504']) {
      expect(JSON.stringify(post.responses[status]!.content)).toContain('#/components/schemas/ErrorSchema');
    }
    expect(post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
  });

  it('states the body rules the validation enforces, from the same constants', () => {
    const body = doc.components.schemas.CreateOrderDto!;
    expect(body.required?.sort()).toEqual(['customerId', 'items', 'payment']);
    expect(body.properties.items).toMatchObject({ minItems: 1, maxItems: MAX_ITEMS_PER_ORDER });
    expect(doc.components.schemas.OrderItemDto!.properties.quantity).toMatchObject({
      minimum: 1,
      maximum: MAX_QUANTITY,
    });
  });

  it('documents pagination: limit, cursor and the nextCursor of the page', () => {
    const names = doc.paths['/api/orders']!.get!.parameters!.map((p) => `${p.in}:${p.name}`).sort();
    expect(names).toEqual(['query:cursor', 'query:customerId', 'query:include', 'query:limit']);
    expect(doc.components.schemas.OrderPageSchema!.properties).toHaveProperty('nextCursor');
  });
});
