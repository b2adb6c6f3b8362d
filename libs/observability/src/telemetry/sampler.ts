import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

/** The spans of pg's transaction-control statements (`pg.query:BEGIN orders`, `pg.query:COMMIT payments`, …). */
export const TRANSACTION_CONTROL_SPAN = /^pg\.query:(BEGIN|START|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE)\b/;

/** Whether TRACE_TRANSACTION_CONTROL=false asks to leave those spans out (the workshop keeps them). */
export function skipsTransactionControl(env: NodeJS.ProcessEnv = process.env): boolean {
  return String(env.TRACE_TRANSACTION_CONTROL ?? '').toLowerCase() === 'false';
}

/** The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG describe (the SDK's own reading of them). */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env): Sampler {
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '');
  const ratio = () => new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_ARG && arg >= 0 && arg <= 1 ? arg : 1);
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * A knob, off in the workshop: BEGIN/COMMIT/ROLLBACK statements get no span
 * (the SDK makes a non-recording one, which costs next to nothing and is
 * never exported). Every other decision is the wrapped sampler's.
 */
export class SkipTransactionControlSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (TRANSACTION_CONTROL_SPAN.test(spanName)) return { decision: SamplingDecision.NOT_RECORD };
    return this.delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `SkipTransactionControl{${this.delegate.toString()}}`;
  }
}
