import { bold, boldRed, dim, red, serviceColor, type Paint } from './ansi.js';
import { barCells, drawBar } from './bar.js';
import type { CollectedSpan } from './collected-span.js';
import { formatDuration } from './format-duration.js';
import { orderSpanTree, type SpanRow } from './span-tree.js';
import { displayWidth, singleLine, truncateToWidth } from './text-width.js';

export interface WaterfallOptions {
  /** Cells in the bar column. Default 40. */
  width?: number;
  /** ANSI colours: a colour per service, errors red, internal spans dimmed. Default false. */
  color?: boolean;
  /** Spans drawn before the rest collapse into one `… N more spans` line. Default 60. */
  maxSpans?: number;
  /** Widest label (indentation, service, span name) before the name is cut with `…`. Default 44. */
  labelWidth?: number;
}

interface Layout {
  traceStart: number;
  traceLength: number;
  width: number;
  labelColumn: number;
  durationColumn: number;
  color: boolean;
}

const plain: Paint = (text) => text;
const MESSAGE_WIDTH = 60;

/** One trace as a text waterfall: a header line, then one line a span in tree order. */
export function renderWaterfall(spans: readonly CollectedSpan[], options: WaterfallOptions = {}): string {
  if (spans.length === 0) return '';
  const width = Math.max(1, Math.floor(options.width ?? 40));
  const maxSpans = Math.max(1, Math.floor(options.maxSpans ?? 60));
  const labelWidth = Math.max(8, Math.floor(options.labelWidth ?? 44));
  const color = options.color ?? false;
  const rows = orderSpanTree(spans);
  const traceStart = Math.min(...rows.map((row) => row.span.startMs));
  const traceLength = Math.max(...rows.map((row) => row.span.endMs)) - traceStart;
  const shown = rows.slice(0, maxSpans);
  const labels = shown.map((row) => label(row, labelWidth));
  const durations = shown.map((row) => formatDuration(row.span.durationMs));
  const layout: Layout = {
    traceStart,
    traceLength,
    width,
    labelColumn: Math.max(...labels.map((l) => displayWidth(l.text))),
    durationColumn: Math.max(...durations.map((d) => d.length)),
    color,
  };
  const lines = [header(rows, traceLength, color)];
  shown.forEach((row, i) => lines.push(line(row, labels[i], durations[i], layout)));
  if (rows.length > shown.length) lines.push(`… ${rows.length - shown.length} more spans`);
  return lines.join('\n');
}

function header(rows: SpanRow[], traceLength: number, color: boolean): string {
  const services = [...new Set(rows.map((row) => singleLine(row.span.service)))];
  const errors = rows.filter((row) => row.span.status === 'error').length;
  const paintService = (service: string) => (color ? serviceColor(service)(service) : service);
  const parts = [
    formatDuration(traceLength),
    `${rows.length} ${rows.length === 1 ? 'span' : 'spans'}`,
    services.map(paintService).join(' → '),
  ];
  if (errors > 0) parts.push((color ? red : plain)(`${errors} ${errors === 1 ? 'error' : 'errors'}`));
  const title = `[ Trace ${rows[0].span.traceId} ]`;
  return `${color ? bold(title) : title} ${parts.join(' · ')}`;
}

interface Label {
  indent: string;
  service: string;
  name: string;
  text: string;
}

/** The service is named only where it changes (at a root or across a process boundary). */
function label(row: SpanRow, maxWidth: number): Label {
  const { span, parent, depth } = row;
  const indent = depth === 0 ? '' : `${'    '.repeat(depth - 1)}└── `;
  const showService = parent === undefined || parent.service !== span.service;
  const service = showService ? `${singleLine(span.service)}: ` : '';
  const full = service + (singleLine(span.name) || '(unnamed)');
  const cut = truncateToWidth(full, Math.max(2, maxWidth - displayWidth(indent)));
  const serviceKept = cut.startsWith(service) ? service : cut;
  return { indent, service: serviceKept, name: cut.slice(serviceKept.length), text: indent + cut };
}

function line(row: SpanRow, lbl: Label, duration: string, layout: Layout): string {
  const { span, parent } = row;
  const paint = layout.color ? painters(span) : { service: plain, name: plain, bar: plain, quiet: plain, error: plain };
  const serviceName = lbl.service.endsWith(': ') ? lbl.service.slice(0, -2) : lbl.service;
  const serviceText = paint.service(serviceName) + lbl.service.slice(serviceName.length);
  const labelText = paint.quiet(lbl.indent) + serviceText + paint.name(lbl.name);
  const padding = ' '.repeat(layout.labelColumn - displayWidth(lbl.text));
  const cells = barCells(span.startMs, span.durationMs, layout.traceStart, layout.traceLength, layout.width);
  const bar = drawBar(cells, layout.width, paint.bar);
  const markers: string[] = [];
  const async =
    span.kind === 'producer' || span.kind === 'consumer' || (parent !== undefined && span.endMs > parent.endMs);
  if (async) markers.push('(async)');
  if (row.orphan) markers.push(paint.quiet('(missing parent)'));
  if (span.status === 'error') {
    const message = span.statusMessage ? ` ${truncateToWidth(singleLine(span.statusMessage), MESSAGE_WIDTH)}` : '';
    markers.push(paint.error('ERROR') + message);
  }
  const tail = [paint.name(duration.padStart(layout.durationColumn)), ...markers].join(' ');
  return `${labelText}${padding} |${bar}| ${tail}`;
}

function painters(span: CollectedSpan) {
  const internal = span.kind === 'internal';
  const own = serviceColor(span.service);
  return {
    service: (text: string) => bold(own(text)),
    name: internal ? dim : plain,
    bar: span.status === 'error' ? red : internal ? dim : own,
    quiet: dim,
    error: boldRed,
  };
}
