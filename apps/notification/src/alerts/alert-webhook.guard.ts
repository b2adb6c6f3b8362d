import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { NotificationEnv } from '../config/env.validation.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** True when `header` is `Bearer <expected>`; compares in constant time. */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  // Hashing first gives equal lengths, so timingSafeEqual neither throws nor leaks the token's length.
  return token !== undefined && timingSafeEqual(digest(token), digest(expected));
}

/**
 * Alertmanager authenticates with `Authorization: Bearer <ALERT_WEBHOOK_TOKEN>`
 * (`http_config.authorization` in its webhook config). Without the variable the
 * endpoint is off (503) rather than open to anyone who can reach the service.
 */
@Injectable()
export class AlertWebhookGuard implements CanActivate {
  constructor(private readonly env: NotificationEnv) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.env.ALERT_WEBHOOK_TOKEN;
    if (!expected) throw new ServiceUnavailableException('alert webhook not configured');
    const http = context.switchToHttp();
    if (bearerMatches(http.getRequest<Request>().headers.authorization, expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="alerts"');
    throw new UnauthorizedException('missing or invalid bearer token');
  }
}
