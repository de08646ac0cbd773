/**
 * The Prometheus metrics of one app: a Registry of its own (never prom-client's global default,
 * so several apps in one process — tests — count apart) and typed handles on every metric.
 * docs/metrics.md lists them. Label values are bounded: routes are a fixed set, accounts are the
 * seller's own, GraphQL operation names are capped (see `operationName`).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import type { QueueDepthSampler } from './queue-depth.collector.js';

const PREFIX = 'stockline_';

/** Distinct GraphQL operation names kept as label values; later new names count as "other". */
const MAX_OPERATION_NAMES = 200;

/** Seconds; from a health check (~1 ms) to a large export request (tens of seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  syncRunsFinished: Counter<'account_id' | 'channel' | 'status'>;
  syncItems: Counter<'account_id' | 'channel' | 'phase' | 'kind'>;
  syncRunsExecuting: Gauge;
  marketplaceRequests: Counter<'account_id' | 'channel' | 'outcome'>;
  marketplaceRateLimited: Counter<'account_id' | 'channel'>;
  marketplaceDuration: Histogram<'channel'>;
  webhookDeliveries: Counter<'outcome'>;
  subscriptions: Gauge;
  webSocketConnections: Gauge;
  queueDepth: Gauge<'queue' | 'state'>;
  queueDepthUp: Gauge;
  /** HTTP requests answered 503 by admission control (src/http/admission.ts) instead of being served. */
  httpShed: Counter<'reason'>;
  /** The operation name as a label value: itself when already seen, or when `mayAdd` (default true) and fewer than 200 names were seen; else "other". */
  operationName(name: string | undefined, mayAdd?: boolean): string;
}

export interface MetricsOptions {
  /** Reads the queue depths at scrape time; absent: the queue gauges stay empty. */
  queues?: QueueDepthSampler;
  /** Reads admission control's requests executing and waiting at scrape time. */
  admission?: () => { active: number; queued: number };
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // getMetricsAsArray() is typed as plain objects but returns the metric instances themselves.
  for (const metric of processRegistry().getMetricsAsArray()) registry.registerMetric(metric as unknown as Metric);

  const queues = options.queues;
  const operationNames = new Set<string>();
  if (options.admission) registerAdmissionGauges(options.admission, registers);

  return {
    registry,
    httpRequests: new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests answered, by method, route (a fixed set; "other" for the rest) and status code ("aborted" when the client left first).',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time from receiving an HTTP request to the end of its response.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    syncRunsFinished: new Counter({
      name: `${PREFIX}sync_runs_finished_total`,
      help: 'Sync runs this process finished, by account and final status (SUCCESS, PARTIAL, FAILED, CANCELLED). A run interrupted by shutdown is counted once it finishes, by the process that resumes it.',
      labelNames: ['account_id', 'channel', 'status'],
      registers,
    }),
    syncItems: new Counter({
      name: `${PREFIX}sync_items_total`,
      help: 'Records written by sync pages this process committed, by account, phase (products, orders) and kind (created, updated, unchanged, failed).',
      labelNames: ['account_id', 'channel', 'phase', 'kind'],
      registers,
    }),
    syncRunsExecuting: new Gauge({
      name: `${PREFIX}sync_runs_executing`,
      help: 'Sync runs this process is executing now.',
      registers,
    }),
    marketplaceRequests: new Counter({
      name: `${PREFIX}marketplace_requests_total`,
      help: 'HTTP attempts to marketplaces (retries included), by account and outcome: 2xx, 3xx, 4xx, 429, 5xx, timeout, network.',
      labelNames: ['account_id', 'channel', 'outcome'],
      registers,
    }),
    marketplaceRateLimited: new Counter({
      name: `${PREFIX}marketplace_rate_limited_total`,
      help: 'Marketplace answers 429 Too Many Requests, by account.',
      labelNames: ['account_id', 'channel'],
      registers,
    }),
    marketplaceDuration: new Histogram({
      name: `${PREFIX}marketplace_request_duration_seconds`,
      help: 'Duration of one HTTP attempt to a marketplace (after its rate-limit slot), by channel.',
      labelNames: ['channel'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    webhookDeliveries: new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: 'Webhook delivery attempts this process recorded, by outcome: success, failed_attempt (retried later), given_up (no retries left).',
      labelNames: ['outcome'],
      registers,
    }),
    subscriptions: new Gauge({
      name: `${PREFIX}graphql_subscriptions_active`,
      help: 'GraphQL subscriptions open on this process (graphql-ws).',
      registers,
    }),
    webSocketConnections: new Gauge({
      name: `${PREFIX}websocket_connections`,
      help: 'WebSocket connections open on this process.',
      registers,
    }),
    queueDepth: new Gauge({
      name: `${PREFIX}queue_depth`,
      help: 'Rows waiting or in progress in the database queues, read at scrape time (shared by every instance): webhook_deliveries pending, background_tasks pending/running, push_jobs pending, sync_runs pending/running/interrupted.',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        const sample = await queues?.sample();
        for (const row of sample ?? []) this.set({ queue: row.queue, state: row.state }, row.count);
      },
    }),
    queueDepthUp: new Gauge({
      name: `${PREFIX}queue_depth_up`,
      help: '1 when the last scrape could read the queue depths from the database, 0 when it could not.',
      registers,
      async collect() {
        this.set(queues && (await queues.sample()) ? 1 : 0);
      },
    }),
    httpShed: new Counter({
      name: `${PREFIX}http_requests_shed_total`,
      help: 'HTTP requests answered 503 + Retry-After by admission control, by reason: queue_timeout (waited too long for a slot), queue_full, stopping (the instance was stopping).',
      labelNames: ['reason'],
      registers,
    }),
    operationName(name, mayAdd = true) {
      const value = name || 'Anonymous';
      if (operationNames.has(value)) return value;
      if (!mayAdd || operationNames.size >= MAX_OPERATION_NAMES) return 'other';
      operationNames.add(value);
      return value;
    },
  };
}

/** Slots in use and requests waiting, read when scraped (no work per request). */
function registerAdmissionGauges(read: NonNullable<MetricsOptions['admission']>, registers: Registry[]): void {
  new Gauge({
    name: `${PREFIX}http_admission_active`,
    help: 'HTTP requests holding an admission slot (executing) now.',
    registers,
    collect() {
      this.set(read().active);
    },
  });
  new Gauge({
    name: `${PREFIX}http_admission_queued`,
    help: 'HTTP requests waiting for an admission slot now.',
    registers,
    collect() {
      this.set(read().queued);
    },
  });
}

let processMetrics: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop, GC) are the same for every app of a process and
 * collectDefaultMetrics starts observers that are never stopped, so they are set up once per
 * process and shared by every app's registry.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: PREFIX });
  }
  return processMetrics;
}
