import { BadRequestException, type INestApplication } from '@nestjs/common';
import { httpMetricsMiddleware } from '@app/observability';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { BaseEnv } from '../config/base-env.js';
import { describeError, JsonExceptionFilter, sendError } from './exception.filter.js';
import { prototypeKeyPath } from './prototype-keys.js';
import { requireJson } from './require-json.middleware.js';
import { createValidationPipe } from './validation.js';

/**
 * The HTTP behaviour every service shares — structured logger, RED metrics,
 * body limits, 415 for non-JSON, validation, JSON errors. Used by `main.ts` and by the e2e
 * tests, so the tests exercise what runs. Create the app with `bodyParser: false`.
 */
export function configureHttpApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  app.useLogger(app.get(PinoLogger));
  express.use(httpMetricsMiddleware);
  express.use(requireJson);
  express.useBodyParser('json', { limit: app.get(BaseEnv).BODY_LIMIT_BYTES });
  express.use((req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    const isObject = body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body));
    if (!isObject)
      return next(new BadRequestException({ message: 'Request body must be a JSON object', field: 'body' }));
    // Unknown fields are rejected by validation, but a prototype key must never reach a merge or transform.
    const polluting = prototypeKeyPath(body);
    next(
      polluting
        ? new BadRequestException({ message: `Request body must not contain the field ${polluting}`, field: polluting })
        : undefined,
    );
  });
  // Body-parser and 415 errors happen before Nest's router: answer them the same way.
  // They never reach the request logger (a Nest middleware), so they are logged here.
  const logger = app.get(PinoLogger);
  express.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const body = describeError(error);
    sendError(res, body, req.path);
    logger.warn({
      msg: `${req.method} unmatched ${body.statusCode}: ${body.message}`,
      method: req.method,
      route: 'unmatched',
      status_code: body.statusCode,
    });
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new JsonExceptionFilter());
}
