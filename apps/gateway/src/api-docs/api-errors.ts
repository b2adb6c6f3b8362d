import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorSchema } from './schemas.js';

const MEANING: Record<number, string> = {
  400: 'Invalid request: each failing field is named',
  404: 'No such order',
  409: 'A request with the same Idempotency-Key is still in progress',
  413: 'Body over 64 KiB',
  415: 'Body is not JSON',
  422: 'The same Idempotency-Key was used for a different request',
  502: 'A downstream service answered with an error',
  503: 'A downstream service or the database is unreachable (Retry-After says when to try again)',
  504: 'A downstream service was too slow',
};

/** The error answers a route can give, all in the shared error shape. */
export function ApiErrors(...statuses: (keyof typeof MEANING)[]): MethodDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: MEANING[status], type: ErrorSchema })),
  );
}

/** What every route behind a downstream service can answer besides its own errors. */
export const DOWNSTREAM_ERRORS = [502, 503, 504] as const;
