import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import { connectRedis } from './events/redis-link.js';
import { redisPrefix } from './events/redis-prefix.js';
import type { Env } from './env.js';
import { markUrgent, openDatabase, statementScope, type Database } from './db/database.js';
import type { CommitHooks } from './db/transaction.js';
import { EventBus } from './events/event-bus.js';
import { evictRevokedTokens, TokenCache } from './modules/access/token-cache.js';
import type { AppServices } from './core/services.js';
import { createGraphQLHandler } from './graphql/yoga.js';
import { attachWebSocket, type WebSocketOptions } from './graphql/websocket.js';
import { handleHealth } from './modules/monitoring/health.route.js';
import { handleFileRequest } from './modules/files/file.route.js';
import { startTaskRunner, type TaskRunner, type TaskRunnerOptions } from './modules/tasks/task-runner.js';
import { taskSettings } from './modules/tasks/task.settings.js';
import { handleWebhookTest } from './modules/webhooks/webhook-test.route.js';
import { handleDashboard } from './http/dashboard.js';
import { handleDocs } from './http/docs.js';
import { createLogger, logFormat } from './logger.js';
import { ensureBootstrapToken } from './modules/access/token.service.js';
import { createCredentialsCipher, loadCredentialsKey } from './modules/accounts/credentials.crypto.js';
import { syncDeclaredAccounts, type DeclaredAccountsHandle } from './modules/accounts/declared-accounts.js';
import { startPushWorker, type PushWorker, type PushWorkerOptions } from './modules/catalog/push-worker.js';
import { startSyncRunner, type SyncRunner, type SyncRunnerOptions } from './modules/sync/sync-runner.js';
import { startWebhookWorker, type WebhookWorker, type WebhookWorkerOptions } from './modules/webhooks/webhook.worker.js';
import { webhookOutbox } from './modules/webhooks/webhook.outbox.js';
import { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler/scheduler.js';
import { schedulerSettings } from './scheduler/scheduler.settings.js';
import { startAlertMonitor, type AlertMonitor } from './modules/monitoring/alert-monitor.js';
import { monitoringSettings, type MonitoringSettings } from './modules/monitoring/monitoring.settings.js';
import { createMailer } from './modules/reports/report-mailer.js';
import { createMetrics } from './modules/metrics/metrics.registry.js';
import { queueDepthSampler } from './modules/metrics/queue-depth.collector.js';
import { handleMetrics } from './modules/metrics/metrics.route.js';
import { trackHttpRequest } from './modules/metrics/http-metrics.js';
import { createAdmission, defaultAdmissionOptions, type AdmissionOptions } from './http/admission.js';
import type { QueueName } from './jobs/queues.js';
import { installRegistry } from './registry.js';

export interface AppOptions {
  /** Use this database instead of opening one from env (tests share a migrated database). */
  database?: Database;
  /** Where logs go; default stdout. */
  logDestination?: DestinationStream;
  /** Receives every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  /** Tuning of the marketplace push worker (ROLE worker or all); default: its documented defaults. */
  pushWorker?: PushWorkerOptions;
  /** Overrides of the sync worker's settings (tests shorten retry delays). */
  syncRunner?: Partial<SyncRunnerOptions>;
  /** Overrides of the background task worker's settings (tests shorten the lease); `false` runs none. */
  taskRunner?: Partial<TaskRunnerOptions> | false;
  /** Overrides of the webhook delivery worker's settings (tests shorten the backoff). */
  webhookWorker?: Partial<WebhookWorkerOptions>;
  /** Overrides of the scheduler's settings (tests inject a clock and turn its timers off). */
  scheduler?: Partial<SchedulerOptions>;
  /** Overrides of health and alert settings (tests move the clock and shorten the alert interval). */
  monitoring?: Partial<MonitoringSettings>;
  /** graphql-ws settings. */
  webSocket?: Omit<WebSocketOptions, 'recheckMs'>;
  /** How often open subscriptions (WebSocket and SSE) check their tokens again; default 60 s (tests shorten it). */
  tokenRecheckMs?: number;
  /** Overrides of HTTP admission control (tests make its limits small); `false` admits everything at once. */
  admission?: Partial<AdmissionOptions> | false;
}

export interface App {
  services: AppServices;
  db: Database;
  yoga: ReturnType<typeof createGraphQLHandler>;
  /** Set once started: http://host:port */
  url: string;
  /** The generated development admin token, when this start created one. */
  bootstrapToken: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the whole service; `start()` opens the port, `stop()` drains and closes everything. */
export async function buildApp(env: Env, options: AppOptions = {}): Promise<App> {
  // Scheduled tasks and task kinds, declared in one place (src/registry.ts), before any worker starts.
  installRegistry();
  const logger: Logger = createLogger(env.LOG_LEVEL, options.logDestination, logFormat(env.LOG_FORMAT, process.stdout.isTTY));
  // A bad key configuration fails the start before anything is opened; a key to generate is written
  // only once the database is open, so a start refused by another process's DATA_DIR lock writes nothing there.
  const configuredKey = await loadCredentialsKey(env, { create: false });
  const db = options.database ?? (await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, onQuery: options.onQuery, onStaleLock: (message) => logger.warn(message) }));
  const cipher = createCredentialsCipher(configuredKey ?? (await loadCredentialsKey(env)));
  if (env.MIGRATE_ON_START && !options.database) {
    const applied = await db.migrate();
    if (applied.length) logger.info({ applied }, 'applied database migrations');
    else logger.info('database migrations up to date');
  }

  // Never awaited: Redis down at start (or later) leaves the instance serving; see redis-link.ts.
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL, logger, redisPrefix(env)) : null;
  const events = new EventBus(redis?.eventTarget);
  // Every commit writes its events' webhook deliveries (outbox); once committed, subscribers hear of them.
  const commitHooks: CommitHooks = {
    beforeCommit: [webhookOutbox(() => services.wake?.('webhooks'))],
    afterCommit: [(committed) => events.publish(committed)],
  };
  const services: AppServices = { prisma: db.prisma, events, commitHooks, logger, cipher, redis: redis?.pub, monitoring: { ...monitoringSettings(env), ...options.monitoring } };
  // Verified tokens skip the database; a revocation on any instance evicts them here at once.
  services.tokens = new TokenCache();
  const tokenEvictions = evictRevokedTokens(events, services.tokens);
  services.webhookTargets = { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE_TARGETS };
  services.webhookSettings = {
    secretGraceMs: env.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000,
    deliveredRetentionDays: env.WEBHOOK_DELIVERED_RETENTION_DAYS,
    deadLetterRetentionDays: env.WEBHOOK_DEAD_LETTER_RETENTION_DAYS,
  };
  // Tests run their simulators on loopback; the sandbox adds its own simulators' origins (declared-accounts.ts).
  services.accountTargets = { allowPrivate: env.ACCOUNT_ALLOW_PRIVATE_TARGETS ?? env.NODE_ENV === 'test' };
  services.mailer = createMailer(env);
  services.tasks = taskSettings(env);
  services.scheduling = schedulerSettings(env);
  // Every instance (api and worker roles) counts for itself and serves its own /metrics.
  // Bounded concurrency with a fair queue and load shedding for GraphQL over HTTP (src/http/admission.ts).
  const admission =
    options.admission === false
      ? undefined
      : createAdmission({
          ...defaultAdmissionOptions(db.kind),
          ...(env.HTTP_MAX_CONCURRENT_REQUESTS ? { concurrency: env.HTTP_MAX_CONCURRENT_REQUESTS } : {}),
          queueTimeoutMs: env.HTTP_QUEUE_TIMEOUT_MS,
          ...options.admission,
        });
  services.admission = admission;
  services.metrics = createMetrics({ queues: queueDepthSampler(db.prisma, logger), admission: admission && (() => admission) });
  if (admission) admission.onShed = (reason) => services.metrics?.httpShed.inc({ reason });
  const yoga = createGraphQLHandler(env, services, { tokenRecheckMs: options.tokenRecheckMs });

  let server: Server | undefined;
  let ws: ReturnType<typeof attachWebSocket> | undefined;
  let declared: DeclaredAccountsHandle | undefined;
  let pushWorker: PushWorker | undefined;
  let syncRunner: SyncRunner | undefined;
  let taskRunner: TaskRunner | undefined;
  let webhookWorker: WebhookWorker | undefined;
  let scheduler: Scheduler | undefined;
  let alertMonitor: AlertMonitor | undefined;
  // Commits wake the worker of their queue; read at wake time, so a worker started later (or a test's own) is reached.
  const wakers: Record<QueueName, () => void> = {
    webhooks: () => services.webhookWorker?.wake(),
    pushes: () => services.pushWorker?.wake(),
    tasks: () => services.taskRunner?.wake(),
    syncs: () => services.syncRunner?.kick(),
    scheduler: () => scheduler?.kick(),
  };
  services.wake = (queue) => wakers[queue]();
  // Requests still executing: a client that hung up closes its socket, but its resolver may
  // still be using the database, so stop() waits for these before closing it.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  // Open requests for server-sent events: stop() ends the streams among them (begun: headers sent), which never end by themselves.
  const eventStreams = new Set<ServerResponse>();

  const app: App = {
    services,
    db,
    yoga,
    url: '',
    bootstrapToken: null,
    async start() {
      app.bootstrapToken = await ensureBootstrapToken(services, env.ADMIN_TOKEN);
      declared = await syncDeclaredAccounts(services, env);
      const handleRequest = async (req: IncomingMessage, res: ServerResponse) => {
        inFlight++;
        if (req.headers.accept?.includes('text/event-stream')) {
          eventStreams.add(res);
          res.once('close', () => eventStreams.delete(res));
        }
        trackHttpRequest(services.metrics, req, res, (err) => logger.warn({ err }, 'counting an HTTP request failed'));
        try {
          if (await handleMetrics(req, res, services, env.METRICS_TOKEN)) return;
          // Readiness is answered under load: its statements go first (PGlite).
          if (req.url?.startsWith('/readyz')) markUrgent();
          if (await handleHealth(req, res, db, services, { redisUp: redis ? redis.isUp : undefined, role: env.ROLE })) return;
          if (await handleFileRequest(req, res, services)) return;
          if (await handleWebhookTest(req, res, services)) return;
          if (await handleDashboard(req, res)) return;
          if (await handleDocs(req, res)) return;
          await yoga.requestListener(req, res);
        } catch (error) {
          logger.error({ err: error }, 'request failed');
          if (!res.headersSent) res.writeHead(500).end();
        } finally {
          if (--inFlight === 0) drained?.();
        }
      };
      // PGlite: each request's statements run in a scope that readiness and sync triggers mark urgent (src/db/database.ts).
      server = createServer(db.kind === 'pglite' ? (req, res) => void statementScope(() => handleRequest(req, res)) : (req, res) => void handleRequest(req, res));
      ws = attachWebSocket(server, yoga, services, { maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES, recheckMs: options.tokenRecheckMs, ...options.webSocket });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(env.PORT, env.HOST, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
      app.url = `http://${host}:${port}`;
      services.tasks!.instanceUrl = app.url;
      // The port answers from here on; the workers and the scheduler (whose first syncs are the
      // slowest part of a first start) start behind it. "listening" is logged once all is up.
      if (env.ROLE !== 'api') {
        // Pushes queued by edits (on any instance) go out from worker instances; edits wake it.
        pushWorker = startPushWorker(services, options.pushWorker);
        services.pushWorker = pushWorker;
        syncRunner = startSyncRunner(services, {
          concurrency: env.SYNC_CONCURRENCY,
          pollMs: env.SYNC_POLL_MS,
          heartbeatMs: env.SYNC_HEARTBEAT_MS,
          staleAfterMs: env.SYNC_STALE_AFTER_MS,
          lookbackSeconds: env.SYNC_LOOKBACK_SECONDS,
          // Only one process can open an embedded database, so whatever it finds RUNNING was orphaned.
          exclusiveDatabase: db.kind === 'pglite',
          ...options.syncRunner,
        });
        services.syncRunner = syncRunner;
        // Background tasks (exports, imports, reports, aggregation) queued by any instance run here.
        if (options.taskRunner !== false) {
          taskRunner = startTaskRunner(services, { concurrency: env.TASK_CONCURRENCY, ...options.taskRunner });
          services.taskRunner = taskRunner;
        }
        // Webhook deliveries recorded by any instance go out from worker instances; commits wake it.
        webhookWorker = startWebhookWorker(services, {
          concurrency: env.WEBHOOK_CONCURRENCY,
          allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
          disableAfterMs: env.WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
          ...options.webhookWorker,
        });
        services.webhookWorker = webhookWorker;
        if (env.SCHEDULER_ENABLED) {
          scheduler = await startScheduler(services, {
            logRetentionDays: env.LOG_RETENTION_DAYS,
            exclusiveDatabase: db.kind === 'pglite',
            ...options.scheduler,
          });
        }
        // Alerts are evaluated where runs finish (and, through Redis, wherever they are heard of).
        alertMonitor = startAlertMonitor(services);
      }
      logger.info({ url: `${app.url}/graphql`, database: db.kind, role: env.ROLE }, 'Stockline is listening');
    },
    async stop() {
      // Stop taking work first, then let in-flight requests finish, then release the database.
      // Running syncs finish their current page and stay INTERRUPTED, resumable by the next worker.
      // The scheduler first: it queues syncs, and a firing in progress is waited for.
      await scheduler?.stop();
      scheduler = undefined;
      await alertMonitor?.stop();
      await syncRunner?.stop();
      services.syncRunner = undefined;
      // Running tasks are cut at their next page and handed back to the queue.
      await taskRunner?.stop();
      services.taskRunner = undefined;
      await ws?.close();
      // As the WebSocket connections above: a subscriber's stream would hold server.close() until the
      // forced exit; its client sees the connection drop and reconnects elsewhere.
      for (const res of eventStreams) if (res.headersSent) res.destroy();
      // Requests still waiting for a slot get their 503 now rather than after the queue timeout.
      admission?.close();
      if (server) {
        server.closeIdleConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
      }
      await yoga.dispose();
      await declared?.stop();
      // Hands back the jobs of pushes in flight, before the database closes.
      await pushWorker?.stop();
      services.pushWorker = undefined;
      // Cuts deliveries in flight and hands them back (they are sent again by the next worker).
      await webhookWorker?.stop();
      services.webhookWorker = undefined;
      await tokenEvictions.stop();
      await redis?.close();
      if (!options.database) await db.close();
    },
  };
  return app;
}
