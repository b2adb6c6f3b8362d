// What k6's Prometheus remote-write output (k6 v1.7.1, `-o experimental-prometheus-rw`, trends as
// native histograms as compose and the Helm chart set it) makes of a run's time series: one series a
// (metric, tag set), every tag with a value a label, `__name__` k6_<metric> plus `_total` (counter),
// `_rate` (rate), `_seconds` (a time trend). It keeps every series it has seen for the whole run, so a
// tag whose values never repeat (a URL with an id) grows it, and Prometheus, without bound.
// The Node engine (loadtest/runner) records those time series (`node_engine.timeSeries` of its summary);
// only the tests write them, to check that the load scripts' series stay bounded and a real Prometheus takes them.

/** One (metric, tag set) series of a run, as k6 hands it to its outputs. */
export interface TimeSeries {
  metric: string;
  type: string;
  isTime: boolean;
  tags: Record<string, string>;
}

/** A series as the output writes it: labels with `__name__`, a native histogram for a trend. */
export interface RemoteSeries {
  labels: Record<string, string>;
  histogram: boolean;
}

const SUFFIX: Record<string, string> = { counter: '_total', rate: '_rate', gauge: '', trend: '' };
const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** The series the output writes for these time series. */
export function remoteWriteSeries(timeSeries: TimeSeries[]): RemoteSeries[] {
  const out = new Map<string, RemoteSeries>();
  for (const { metric, type, isTime, tags } of timeSeries) {
    const labels: Record<string, string> = {
      __name__: `k6_${metric}${type === 'trend' && isTime ? '_seconds' : SUFFIX[type]}`,
    };
    for (const [k, v] of Object.entries(tags)) if (k !== '' && v !== '' && v !== undefined) labels[k] = v;
    out.set(JSON.stringify(Object.entries(labels).sort(byName)), { labels, histogram: type === 'trend' });
  }
  return [...out.values()];
}

// ---- a remote-write 1.0 request (prometheus.WriteRequest, protobuf), snappy-framed as a block ----

/** A non-negative integer below 2^53 (a timestamp in ms fits) as a protobuf varint. */
const varint = (n: number) => {
  const bytes = [];
  for (; n > 127; n = Math.floor(n / 128)) bytes.push((n % 128) | 0x80);
  return Buffer.from([...bytes, n]);
};
const field = (number: number, wireType: number) => varint((number << 3) | wireType);
const bytesField = (number: number, payload: Buffer) =>
  Buffer.concat([field(number, 2), varint(payload.length), payload]);
const stringField = (number: number, text: string) => bytesField(number, Buffer.from(text, 'utf8'));
/** Varint fields, as `[number, value]` pairs. */
const varints = (fields: [number, number][]) => Buffer.concat(fields.flatMap(([n, v]) => [field(n, 0), varint(v)]));

function sample(value: number, timestampMs: number) {
  const double = Buffer.alloc(8);
  double.writeDoubleLE(value);
  return Buffer.concat([field(1, 1), double, varints([[2, timestampMs]])]);
}

/** A native histogram of `count` observations of 0 (count, schema 0, zero count, timestamp): the smallest valid one. */
const histogram = (count: number, timestampMs: number) =>
  varints([
    [1, count],
    [4, 0],
    [6, count],
    [15, timestampMs],
  ]);

/** A WriteRequest with one sample (`value`, at `timestampMs`) per series, or a histogram of `value` observations; labels sorted by name. */
function encodeWriteRequest(seriesList: RemoteSeries[], { value = 1, timestampMs = Date.now() } = {}) {
  const timeseries = seriesList.map((series) => {
    const labels = Object.entries(series.labels)
      .sort(byName)
      .map(([name, v]) => bytesField(1, Buffer.concat([stringField(1, name), stringField(2, String(v))])));
    const point = series.histogram
      ? bytesField(4, histogram(value, timestampMs))
      : bytesField(2, sample(value, timestampMs));
    return bytesField(1, Buffer.concat([...labels, point]));
  });
  return snappyBlock(Buffer.concat(timeseries));
}

/** Snappy's block format with literals only: valid input for any snappy decoder, just not smaller. */
function snappyBlock(data: Buffer) {
  const chunks: Buffer[] = [varint(data.length)];
  for (let at = 0; at < data.length; at += 65536) {
    const part = data.subarray(at, Math.min(at + 65536, data.length));
    const n = part.length - 1;
    chunks.push(
      n < 60 ? Buffer.from([n << 2]) : n < 256 ? Buffer.from([60 << 2, n]) : Buffer.from([61 << 2, n & 0xff, n >> 8]),
      part,
    );
  }
  return Buffer.concat(chunks);
}

/** POSTs the series to a remote-write receiver (e.g. Prometheus' /api/v1/write); resolves with the HTTP status. */
export async function writeSeries(
  url: string,
  seriesList: RemoteSeries[],
  options?: { value?: number; timestampMs?: number },
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body: encodeWriteRequest(seriesList, options),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`remote write to ${url}: HTTP ${res.status} ${text}`);
  return res.status;
}
