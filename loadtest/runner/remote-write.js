// What k6's Prometheus remote-write output (k6 v1.7.1, `-o experimental-prometheus-rw`, trends as
// native histograms as compose and the Helm chart set it) makes of a run's time series: one series a
// (metric, tag set), every tag with a value a label, `__name__` k6_<metric> plus `_total` (counter),
// `_rate` (rate), `_seconds` (a time trend). It keeps every series it has seen for the whole run, so a
// tag whose values never repeat (a URL with an id) grows it, and Prometheus, without bound.
const SUFFIX = { counter: '_total', rate: '_rate', gauge: '', trend: '' };
const byName = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

/** The series the output writes for these time series (Metrics.timeSeries()): `{ labels, histogram }`, labels with `__name__`. */
export function remoteWriteSeries(timeSeries) {
  const out = new Map();
  for (const { metric, type, isTime, tags } of timeSeries) {
    const labels = { __name__: `k6_${metric}${type === 'trend' && isTime ? '_seconds' : SUFFIX[type]}` };
    for (const [k, v] of Object.entries(tags)) if (k !== '' && v !== '' && v !== undefined) labels[k] = v;
    out.set(JSON.stringify(Object.entries(labels).sort(byName)), { labels, histogram: type === 'trend' });
  }
  return [...out.values()];
}

// ---- a remote-write 1.0 request (prometheus.WriteRequest, protobuf), snappy-framed as a block ----

/** A non-negative integer below 2^53 (a timestamp in ms fits) as a protobuf varint. */
const varint = (n) => {
  const bytes = [];
  for (; n > 127; n = Math.floor(n / 128)) bytes.push((n % 128) | 0x80);
  return Buffer.from([...bytes, n]);
};
const field = (number, wireType) => varint((number << 3) | wireType);
const bytesField = (number, payload) => Buffer.concat([field(number, 2), varint(payload.length), payload]);
const stringField = (number, text) => bytesField(number, Buffer.from(text, 'utf8'));

function sample(value, timestampMs) {
  const double = Buffer.alloc(8);
  double.writeDoubleLE(value);
  return Buffer.concat([field(1, 1), double, field(2, 0), varint(timestampMs)]);
}

/** A native histogram of `count` observations of 0 (all in the zero bucket): the smallest valid one. */
const histogram = (count, timestampMs) =>
  Buffer.concat([
    field(1, 0),
    varint(count),
    field(4, 0),
    varint(0),
    field(6, 0),
    varint(count),
    field(15, 0),
    varint(timestampMs),
  ]);

/** A WriteRequest with one sample (`value`, at `timestampMs`) per series, or a histogram of `value` observations; labels sorted by name. */
export function encodeWriteRequest(seriesList, { value = 1, timestampMs = Date.now() } = {}) {
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
export function snappyBlock(data) {
  const chunks = [varint(data.length)];
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
export async function writeSeries(url, seriesList, options) {
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
