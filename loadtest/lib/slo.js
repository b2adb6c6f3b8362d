// The service-level objectives smoke, baseline, soak, spike and breakpoint gate on: a run that
// misses one exits 99. (The scenario scripts would miss them by design: see ./scenario.js.)

/** p95 objective per endpoint, in ms. */
const P95_MS = {
  create_order: 1000,
  create_order_replay: 500,
  get_order: 300,
  list_orders: 500,
  list_orders_with_notifications: 1000,
  get_notifications: 300,
};

/** SLO gates: <1% failed requests, >99% checks passed, p95 per endpoint (abortOnFail after a warm-up when `abort`). */
export function sloThresholds(endpoints, { failed = 0.01, checks = 0.99, p95 = P95_MS, abort = false } = {}) {
  const gate = (threshold) => (abort ? { threshold, abortOnFail: true, delayAbortEval: '10s' } : threshold);
  return {
    http_req_failed: [gate(`rate<${failed}`)],
    checks: [`rate>${checks}`],
    ...Object.fromEntries(endpoints.map((e) => [`http_req_duration{endpoint:${e}}`, [gate(`p(95)<${p95[e]}`)]])),
  };
}
