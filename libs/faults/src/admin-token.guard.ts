import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { FAULTS_ENV, type FaultsEnv } from './faults-env.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The admin API answers only `Authorization: Bearer <ADMIN_TOKEN>`. Without an
 * ADMIN_TOKEN the API is switched off (403), never open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(FAULTS_ENV) env: FaultsEnv) {
    this.expected = env.ADMIN_TOKEN ? digest(env.ADMIN_TOKEN) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException('The admin API is off: set ADMIN_TOKEN to switch it on');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('Authorization: Bearer <ADMIN_TOKEN> required');
    }
    return true;
  }
}
