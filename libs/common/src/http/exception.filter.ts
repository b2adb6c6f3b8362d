import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from '../database/pg-errors.js';

/** How long a client should wait before retrying while a dependency is down (the Retry-After header). */
const RETRY_AFTER_SECONDS = 5;

/** Errors thrown by Express' body parser carry a `type` and a `status`. */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

const BODY_PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  'entity.parse.failed': { status: 400, message: 'Malformed JSON body' },
  'entity.too.large': { status: 413, message: 'Request body is too large' },
  'entity.verify.failed': { status: 400, message: 'Request body failed verification' },
  'encoding.unsupported': { status: 415, message: 'Unsupported content encoding' },
  'charset.unsupported': { status: 415, message: 'Unsupported charset' },
  'request.aborted': { status: 400, message: 'Request aborted' },
  'request.size.invalid': { status: 400, message: 'Request size did not match Content-Length' },
};

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof (error as BodyParserError).status === 'number'
  );
}

export type ErrorBody = { statusCode: number; error: string; message: string } & Record<string, unknown>;

/** The JSON body and status an error is answered with. */
export function describeError(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const res = exception.getResponse();
    const error = STATUS_CODES[statusCode] ?? 'Error';
    if (typeof res === 'string') return { statusCode, error, message: res };
    const obj = res as Record<string, unknown>;
    const message = Array.isArray(obj.message) ? obj.message.join('; ') : String(obj.message ?? error);
    return { ...obj, statusCode, error: String(obj.error ?? error), message };
  }
  if (isBodyParserError(exception)) {
    const known = BODY_PARSER_ERRORS[exception.type];
    const statusCode = known?.status ?? (exception.status >= 400 && exception.status < 500 ? exception.status : 400);
    return {
      statusCode,
      error: STATUS_CODES[statusCode] ?? 'Error',
      message: known?.message ?? exception.message,
      field: 'body',
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'Service Unavailable',
      message: 'The database is unavailable; nothing was changed, retry later',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'Internal Server Error',
    message: 'Internal server error',
  };
}

/** Sends an error body, with Retry-After when it says how long to wait (a 503 passed on from a dependency keeps it). */
export function sendError(response: Response, body: ErrorBody, path: string): void {
  if (typeof body.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(body.retryAfterSeconds));
  response.status(body.statusCode).json({ ...body, path });
}

/**
 * Every error leaves as JSON `{ statusCode, error, message, errors?, path }`.
 * Client mistakes keep their 4xx; only an unexpected error becomes a 500, and it
 * is logged without the request body.
 */
@Catch()
export class JsonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = describeError(exception);
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(`${request.method} ${request.path} failed: ${(exception as Error)?.stack ?? exception}`);
    }
    if (response.headersSent) return;
    sendError(response, body, request.path);
  }
}
