import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A write with a body must say it is JSON; anything else is 415, not a confusing 400. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (WITH_BODY.has(req.method) && hasBody && !req.is('application/json')) {
    next(new UnsupportedMediaTypeException('Content-Type must be application/json'));
    return;
  }
  next();
}
