import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrdersModule } from '../orders/orders.module.js';

export const API_DOCS_PATH = 'api/docs';

/**
 * The gateway's OpenAPI document, generated from its controllers and DTOs: the public API under /api only
 * (the orders and notifications modules), not the admin, health or metrics routes every service has.
 */
export function createApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Workshop shop API (gateway)')
    .setDescription(
      'The public API of the workshop kit. Every request you send here starts a trace: gateway → order → payment, ' +
        'then notification asynchronously. Look it up in Jaeger (service gateway) or Kibana (trace_id).',
    )
    .setVersion('1')
    .build();
  return SwaggerModule.createDocument(app, config, { include: [OrdersModule, NotificationsModule] });
}

/** Swagger UI at /api/docs and the document at /api/docs/openapi.json, served by the gateway itself (offline). */
export function setupApiDocs(app: INestApplication): void {
  SwaggerModule.setup(API_DOCS_PATH, app, () => createApiDocument(app), {
    jsonDocumentUrl: `${API_DOCS_PATH}/openapi.json`,
    yamlDocumentUrl: `${API_DOCS_PATH}/openapi.yaml`,
    customSiteTitle: 'Workshop shop API',
  });
}
