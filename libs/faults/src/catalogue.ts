/**
 * The bottleneck scenarios: one entry per fault a trainer can switch on, with
 * its parameters, where it acts, the evidence it leaves in each pillar and the
 * fix. This file is the single source: the services validate against it, the
 * `npm run fault` CLI lists it, the k6 scenario scripts and the findability
 * suite read it, and the workshop docs are checked against it.
 *
 * Plain data and erasable types only (no imports, enums or decorators), so
 * Node 24 can load it directly: `node scripts/fault.mjs` imports this .ts file.
 */

export type ServiceName = 'gateway' | 'order' | 'payment' | 'notification';

export interface FaultParam {
  default: number;
  min: number;
  max: number;
  unit: 'ms' | 'ratio' | 'count' | 'KiB' | 'MiB' | 'connections' | 'status';
  description: string;
}

export interface Evidence {
  /** Alerts (rules/alerts.yml) expected to fire, or to have their expression become true, while the fault is on. */
  alerts: string[];
  /** Grafana dashboard uid and panel title to open first. */
  dashboard: { uid: string; panel: string };
  /** Metric names (as scraped) that move against a fault-off baseline. */
  metrics: string[];
  /** What the trace waterfall shows, and the service whose spans dominate. */
  trace: { culprit: ServiceName; span: string; shows: string };
  /** What the logs show (every line of the affected service also carries `fault`). */
  logs: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** Services that act on the fault; the CLI switches it on in each of them. */
  services: ServiceName[];
  params: Record<string, FaultParam>;
  /** What a user of the shop reports. */
  symptom: string;
  evidence: Evidence;
  /** The fix that makes the evidence go away. */
  fix: string;
  /** The k6 script under loadtest/scenarios/ that drives it. */
  load: string;
}

const probability = (value = 1): FaultParam => ({
  default: value,
  min: 0,
  max: 1,
  unit: 'ratio',
  description: 'Share of requests (or messages) the fault applies to.',
});

export const SCENARIOS = [
  {
    name: 'payment-latency',
    title: 'The card provider became slow',
    services: ['payment'],
    params: {
      latencyMs: { default: 1500, min: 0, max: 30_000, unit: 'ms', description: 'Extra time the provider call takes.' },
      probability: probability(),
    },
    symptom: 'Checkout hangs for a second or two before the order is confirmed.',
    evidence: {
      alerts: ['HighP95Latency'],
      dashboard: { uid: 'bottleneck-hunting', panel: 'order → payment: client p95 vs payment server p95' },
      metrics: ['http_server_request_duration_seconds', 'http_client_request_duration_seconds'],
      trace: {
        culprit: 'payment',
        span: 'payment.authorize',
        shows:
          'gateway ⊃ order ⊃ payment all long; inside payment, payment.authorize takes almost all of it with no child span: the time is spent waiting on the provider.',
      },
      logs: 'payment lines "POST /payments 201" with duration_ms near the injected latency; order and gateway lines equally slow.',
    },
    fix: 'The provider is outside our control: set a deadline on the call (PAYMENT_TIMEOUT_MS), answer fast with a pending order and let the reconciler settle it, and alert on the provider latency itself.',
    load: 'payment-latency',
  },
  {
    name: 'payment-errors',
    title: 'The card provider fails some requests',
    services: ['payment'],
    params: {
      probability: probability(0.3),
      status: { default: 503, min: 500, max: 599, unit: 'status', description: 'Status the provider answers with.' },
    },
    symptom: 'Some customers get "payment service failed" errors; their orders stay pending for a while.',
    evidence: {
      alerts: ['HighErrorRatio'],
      dashboard: { uid: 'service-overview', panel: '5xx error ratio per service' },
      metrics: ['http_server_request_duration_seconds', 'http_client_request_duration_seconds', 'payments_total'],
      trace: {
        culprit: 'payment',
        span: 'payment.authorize',
        shows:
          'payment.authorize ends in error status with a recorded exception "card provider answered 503"; order and gateway spans are errors too (502).',
      },
      logs: 'payment error lines "card provider answered 503" with order_id; order warns "order pending"; gateway logs 502.',
    },
    fix: 'Retry the provider with backoff inside payment (idempotently, with the same payment id), and keep the order pending for the reconciler instead of failing the checkout.',
    load: 'payment-errors',
  },
  {
    name: 'slow-query',
    title: 'A query that cannot use its index',
    services: ['order'],
    params: {
      rows: {
        default: 1_000_000,
        min: 1_000,
        max: 3_000_000,
        unit: 'count',
        description:
          'Past orders in the orders table, seeded when the fault is switched on (~300 MB at 1,000,000); the duplicate-order check reads them all.',
      },
      probability: probability(),
    },
    symptom: 'Placing an order is slow for everyone; listing orders is fine.',
    evidence: {
      alerts: ['HighP95Latency'],
      dashboard: { uid: 'bottleneck-hunting', panel: 'Slowest routes (p95)' },
      metrics: ['http_server_request_duration_seconds', 'db_pool_connections'],
      trace: {
        culprit: 'order',
        span: 'pg.query:SELECT orders',
        shows:
          "inside POST /orders in the order service, one pg.query SELECT on orders (WHERE lower(regexp_replace(o.customer_id, '[-_ ]', '', 'g')) = …) takes most of the time, before payment is even called; EXPLAIN of its statement shows a Seq Scan on orders.",
      },
      logs: 'order lines "POST /orders 201" with high duration_ms; nothing in payment or notification.',
    },
    fix: "Normalise customer ids once, on write, and compare the column as stored (WHERE customer_id = $1) so the (customer_id, created_at, id) index is used, or index the same expression: CREATE INDEX ON orders (lower(regexp_replace(customer_id, '[-_ ]', '', 'g'))); EXPLAIN ANALYZE then shows an index scan instead of the Seq Scan.",
    load: 'slow-query',
  },
  {
    name: 'n-plus-one',
    title: 'Order items loaded one query per order',
    services: ['order'],
    params: {
      probability: probability(),
    },
    symptom: 'The order history page got slow, and slower for customers with many orders.',
    evidence: {
      alerts: [],
      dashboard: { uid: 'bottleneck-hunting', panel: 'Slowest routes (p95)' },
      metrics: ['http_server_request_duration_seconds'],
      trace: {
        culprit: 'order',
        span: 'pg.query:SELECT orders',
        shows:
          'under GET /orders, a comb of identical SELECTs on order_items, one per order in the page, one after the other.',
      },
      logs: 'order lines "GET /orders 200" with duration_ms growing with the page size (limit).',
    },
    fix: 'Load the items of the whole page in one query (WHERE order_id IN (...)) or with a join.',
    load: 'n-plus-one',
  },
  {
    name: 'pool-exhaustion',
    title: 'Too few database connections, held too long',
    services: ['order'],
    params: {
      poolSize: {
        default: 2,
        min: 1,
        max: 100,
        unit: 'connections',
        description: 'The database pool size while the fault is on.',
      },
      holdMs: {
        default: 200,
        min: 0,
        max: 10_000,
        unit: 'ms',
        description: 'Extra time each order transaction holds its connection.',
      },
    },
    symptom: 'Under load, orders time out; at low traffic everything is fine.',
    evidence: {
      alerts: ['DbPoolSaturation', 'HighP95Latency'],
      dashboard: { uid: 'rabbitmq-postgres', panel: 'Queries waiting for a pool connection' },
      metrics: ['db_pool_waiting_requests', 'db_pool_connections', 'http_server_request_duration_seconds'],
      trace: {
        culprit: 'order',
        span: 'pg.query:SELECT orders',
        shows:
          'order spans with a gap before their first query (waiting for a connection), then a long transaction (SELECT pg_sleep) holding it.',
      },
      logs: 'order lines with duration_ms far above the sum of their queries; 504s at the gateway when the wait exceeds the deadline.',
    },
    fix: 'Keep transactions short (no waiting inside them), size the pool for the concurrency you serve (DB_POOL_SIZE), and watch db_pool_waiting_requests.',
    load: 'pool-exhaustion',
  },
  {
    name: 'event-loop-block',
    title: 'A synchronous fraud score blocks the event loop',
    services: ['payment'],
    params: {
      blockMs: {
        default: 200,
        min: 1,
        max: 5_000,
        unit: 'ms',
        description: 'CPU time the synchronous fraud score burns per payment.',
      },
      probability: probability(),
    },
    symptom: 'Everything in payment is slow, even its health check, and it gets much worse with more users.',
    evidence: {
      alerts: ['EventLoopLag', 'HighP95Latency'],
      dashboard: { uid: 'nodejs-runtime', panel: 'Event-loop lag p99' },
      // HighCpu follows when the load stays saturating for its 5 minutes; the lag alert is the precise one.
      metrics: [
        'nodejs_eventloop_lag_p99_seconds',
        'process_cpu_seconds_total',
        'http_server_request_duration_seconds',
      ],
      trace: {
        culprit: 'payment',
        span: 'payment.fraud_score',
        shows:
          "payment.fraud_score takes the blocked time; other requests' payment spans start late because the loop was busy.",
      },
      logs: 'payment lines slow across every route, including requests that do no fraud scoring.',
    },
    fix: 'Move CPU-bound work off the event loop (a worker thread or another service), or make it cheaper; never run long synchronous loops in a request.',
    load: 'event-loop-block',
  },
  {
    name: 'memory-leak',
    title: 'Notification keeps every message in memory',
    services: ['notification'],
    params: {
      retainKiB: {
        default: 256,
        min: 1,
        max: 10_240,
        unit: 'KiB',
        description: 'Memory retained per message handled.',
      },
      maxRetainedMiB: {
        default: 40,
        min: 1,
        max: 2_048,
        unit: 'MiB',
        description:
          'What the cache holds before it is emptied and fills again; idle RSS (~190 MiB) plus this stays under the 256 MiB limit.',
      },
    },
    symptom:
      "Nothing is wrong for users yet, but notification's memory climbs with every message, drops, and climbs again.",
    evidence: {
      alerts: [],
      dashboard: { uid: 'nodejs-runtime', panel: 'Resident memory (RSS)' },
      metrics: ['process_resident_memory_bytes', 'nodejs_external_memory_bytes'],
      trace: {
        culprit: 'notification',
        span: 'notification.deliver',
        shows:
          'nothing special: traces look normal, which is the lesson — leaks show in metrics, not traces. Later, GC pauses lengthen consumer spans.',
      },
      logs: 'nothing: the lines look healthy while memory climbs and drops.',
    },
    fix: 'Find the retaining path with a heap snapshot (node --inspect, Chrome DevTools) and drop the cache or bound it (LRU with a size limit).',
    load: 'memory-leak',
  },
  {
    name: 'consumer-backlog',
    title: 'The notification consumer cannot keep up',
    services: ['notification'],
    params: {
      delayMs: {
        default: 2000,
        min: 1,
        max: 30_000,
        unit: 'ms',
        description: 'Extra time each message takes to process.',
      },
    },
    symptom: 'Orders are confirmed at once, but the confirmation e-mails arrive minutes later.',
    evidence: {
      alerts: ['MessageBacklog'],
      dashboard: { uid: 'rabbitmq-postgres', panel: 'Queue depth: notifications and dead-letter' },
      metrics: ['rabbitmq_queue_messages_ready', 'message_processing_duration_seconds', 'messages_consumed_total'],
      trace: {
        culprit: 'notification',
        span: 'notification.deliver',
        shows:
          'the order\'s trace ends long after its HTTP part: a growing gap between "send notifications" and the consumer span, and a long notification.deliver.',
      },
      logs: '"notified customer" lines arrive later and later after the matching "order paid" line with the same trace_id.',
    },
    fix: 'Process messages concurrently (prefetch and consumer count), make the handler faster, or scale the consumer out; alert on queue age, not only depth.',
    load: 'consumer-backlog',
  },
  {
    name: 'sequential-calls',
    title: 'The gateway enriches orders one call at a time',
    services: ['gateway'],
    params: {
      probability: probability(),
    },
    symptom: 'The order history with notifications takes longer the more orders a customer has.',
    evidence: {
      alerts: [],
      dashboard: { uid: 'bottleneck-hunting', panel: 'Slowest routes (p95)' },
      metrics: ['http_server_request_duration_seconds', 'http_client_request_duration_seconds'],
      trace: {
        culprit: 'gateway',
        span: 'GET',
        shows:
          'under GET /api/orders a staircase of GET /notifications client spans, each starting when the previous ends, instead of a stack of parallel ones.',
      },
      logs: 'gateway lines "GET /api/orders 200" with duration_ms ≈ page size × one notification call.',
    },
    fix: 'Issue independent calls concurrently (Promise.all with a concurrency bound), or add a batch endpoint to the notification service.',
    load: 'sequential-calls',
  },
  {
    name: 'retry-storm',
    title: 'Short timeouts and eager retries on a slow dependency',
    services: ['order', 'payment'],
    params: {
      timeoutMs: {
        default: 150,
        min: 10,
        max: 10_000,
        unit: 'ms',
        description: "Order's deadline for a payment call while the fault is on.",
      },
      retries: {
        default: 3,
        min: 0,
        max: 10,
        unit: 'count',
        description: 'Immediate retries after a timeout or 5xx, without backoff.',
      },
      latencyMs: {
        default: 250,
        min: 0,
        max: 10_000,
        unit: 'ms',
        description: "How slow payment's provider call is meanwhile.",
      },
    },
    symptom: 'Payment got a little slow, and then the whole checkout fell over.',
    evidence: {
      alerts: ['HighErrorRatio', 'HighP95Latency'],
      dashboard: { uid: 'bottleneck-hunting', panel: 'order → payment: calls per second and error ratio' },
      metrics: ['http_client_request_duration_seconds', 'http_server_request_duration_seconds'],
      trace: {
        culprit: 'order',
        span: 'POST',
        shows:
          "one order span with several POST /payments client spans in a row, each cut off at the timeout; payment's server spans keep running after the client gave up.",
      },
      logs: 'order warns "payment call failed (504), retrying at once (attempt n)"; payment logs many more requests per second than the gateway receives, and 409s for charges still processing.',
    },
    fix: "Set timeouts from the dependency's real latency, retry only idempotent calls, with exponential backoff and jitter and a retry budget, and add a circuit breaker.",
    load: 'retry-storm',
  },
  {
    name: 'downstream-down',
    title: 'The payment service is unreachable from order',
    services: ['order'],
    params: {
      probability: probability(),
    },
    symptom: 'Every checkout fails with "payment service is unavailable".',
    evidence: {
      alerts: ['HighErrorRatio'],
      dashboard: { uid: 'bottleneck-hunting', panel: 'Circuit breaker state per downstream service' },
      metrics: [
        'http_client_request_duration_seconds',
        'http_client_circuit_state',
        'http_server_request_duration_seconds',
      ],
      trace: {
        culprit: 'order',
        span: 'POST',
        shows:
          'the order span ends in error with a failed POST /payments client span (ECONNREFUSED) and no payment spans at all; once the circuit opens, no client span at all, just a fast 503.',
      },
      logs: 'order lines "POST /orders 503" and "order pending", then the reconciler\'s "reconciliation postponed: payment service is unavailable" and, once the circuit opens, "circuit to the payment service is open"; payment logs nothing.',
    },
    fix: 'Restore the network path (or the service); meanwhile the circuit breaker fails fast and the reconciler settles the pending orders once payment answers again.',
    load: 'downstream-down',
  },
  {
    name: 'log-flood',
    title: 'A chatty debug log left on',
    services: ['order'],
    params: {
      linesPerRequest: {
        default: 100,
        min: 1,
        max: 1_000,
        unit: 'count',
        description: 'Extra log lines written per request.',
      },
      lineKiB: { default: 2, min: 0, max: 64, unit: 'KiB', description: 'Payload size of each extra line.' },
    },
    symptom: 'Since a deploy the log storage bill doubled and Kibana searches got slow; the shop itself seems fine.',
    evidence: {
      alerts: [],
      dashboard: { uid: 'nodejs-runtime', panel: 'Log lines per second by service and level' },
      metrics: ['log_lines_total', 'process_cpu_seconds_total'],
      trace: {
        culprit: 'order',
        span: 'OrdersController.create',
        shows:
          'little: each order handler span is about a millisecond longer than the sum of its children, lost in the noise. A cost that is small per request hides in traces; it shows in log_lines_total, CPU and the index size.',
      },
      logs: 'a hundred "debug: cart snapshot" lines per order, each kilobytes long, at level info.',
    },
    fix: 'Log at debug behind LOG_LEVEL, log ids instead of whole objects, and sample chatty lines.',
    load: 'log-flood',
  },
] as const satisfies readonly Scenario[];

export type ScenarioName = (typeof SCENARIOS)[number]['name'];

export const SCENARIO_NAMES: readonly ScenarioName[] = SCENARIOS.map((s) => s.name);

export function scenario(name: string): Scenario | undefined {
  return (SCENARIOS as readonly Scenario[]).find((s) => s.name === name);
}
