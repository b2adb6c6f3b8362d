/**
 * The marker of the faults switched on in this process (their names, or an
 * opaque `mystery-…` id in the workshop's mystery mode), or undefined. Set by
 * the faults module; every log line then carries it as `fault`, and handler
 * and business spans as the `workshop.fault` attribute, so a trainer can check
 * an answer afterwards. Kept here so the logger and tracer need no fault code.
 */
let marker: string | undefined;

export const FAULT_ATTRIBUTE = 'workshop.fault';

export function setFaultMarker(value: string | undefined): void {
  marker = value || undefined;
}

export function faultMarker(): string | undefined {
  return marker;
}
