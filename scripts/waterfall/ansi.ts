export type Paint = (text: string) => string;

const sgr =
  (open: string): Paint =>
  (text) =>
    text === '' ? '' : `\x1b[${open}m${text}\x1b[0m`;

export const bold = sgr('1');
export const dim = sgr('2');
export const red = sgr('31');
export const boldRed = sgr('1;31');

// The same colours scripts/dev.mjs gives each service's log prefix, so a
// service looks alike in the logs and in the waterfall.
const KNOWN: Record<string, string> = { gateway: '32', order: '36', payment: '35', notification: '33' };
const PALETTE = ['34', '96', '92', '95', '93', '94'];

/** A stable colour per service name (not per trace), so it means the same thing every time. */
export function serviceColor(service: string): Paint {
  const known = KNOWN[service];
  if (known) return sgr(known);
  let hash = 0;
  for (const char of service) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return sgr(PALETTE[hash % PALETTE.length]);
}

const SGR_SEQUENCE = /\x1b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(SGR_SEQUENCE, '');
}
