import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { FAULT_ATTRIBUTE, faultMarker } from '../context/fault-marker.js';
import { recordError, tracer } from './spans.js';

/**
 * One span per Nest handler (`OrdersController.create`), child of the HTTP or
 * message span. instrumentation-nestjs-core 0.71 supports Nest < 12 only, so
 * this interceptor gives Nest 12 the same step in the waterfall.
 */
@Injectable()
export class HandlerSpanInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Message handlers start their own consumer spans from the message's trace context.
    if (ctx.getType() !== 'http') return next.handle();
    const controller = ctx.getClass().name;
    const handler = ctx.getHandler().name;
    const marker = faultMarker();
    // The request's server span carries the fault marker too, so a trace search by it finds the requests.
    if (marker) trace.getActiveSpan()?.setAttribute(FAULT_ATTRIBUTE, marker);
    const span = tracer().startSpan(`${controller}.${handler}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        'code.function.name': `${controller}.${handler}`,
        'nestjs.type': ctx.getType(),
        ...(marker ? { [FAULT_ATTRIBUTE]: marker } : {}),
      },
    });
    const spanContext = trace.setSpan(context.active(), span);
    return new Observable((subscriber) =>
      context.with(spanContext, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            // A client error (4xx) is the caller's mistake, not a failed span.
            if (!(error instanceof HttpException) || error.getStatus() >= 500) recordError(span, error);
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}
