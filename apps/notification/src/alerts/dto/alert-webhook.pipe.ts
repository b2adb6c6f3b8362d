import { createValidationPipe } from '@app/common';
import type { ValidationPipe } from '@nestjs/common';
import { AlertmanagerWebhookDto } from './alertmanager-webhook.dto.js';

/**
 * Validates the webhook body like the app's global pipe (400 naming each field)
 * but drops fields it does not know instead of rejecting them: the payload is
 * Alertmanager's, and an Alertmanager upgrade that adds a field must not turn
 * every notification into a 400 that loses the alert. The controller types the
 * body with an interface so the global pipe (which forbids unknown fields) skips it.
 */
export function alertWebhookPipe(): ValidationPipe {
  return createValidationPipe({ expectedType: AlertmanagerWebhookDto, forbidNonWhitelisted: false });
}
