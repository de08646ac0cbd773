import { z } from 'zod';
import { isTimeZone } from './shared/time-zone.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** One CORS_ORIGINS entry: `*`, or an http(s) origin without path, whose port may be `*`. */
const CORS_ORIGIN = /^(\*|https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:(\d{1,5}|\*))?)$/;
/** A sync interval in whole minutes: 1 minute to 31 days (what a schedule accepts). */
const intervalMinutes = z.coerce.number().int('must be a whole number of minutes').min(1).max(31 * 24 * 60).optional();

/** Configuration, parsed once at boot. Every variable is optional: the defaults run a sandbox. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HTTP port; default 4000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  /** Interface to bind; default 0.0.0.0. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where the embedded PGlite database and generated files live; default ./data. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** postgres://… switches from embedded PGlite to PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** redis://… switches pub/sub to Redis so several instances share subscriptions. */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  /**
   * Namespace of this deployment's Redis channels and keys, so deployments sharing one Redis stay
   * apart; every instance of one deployment must use the same. Default: `stockline:` + a hash of the
   * database (DATABASE_URL's host, port, database and schema, or DATA_DIR's absolute path).
   */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'must be 1 to 100 letters, digits or : . _ -').optional(),
  /** Which parts this process runs; default all. */
  ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  /** Bootstraps an ADMIN token with this exact secret (deployments); otherwise one is generated once. */
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Apply pending migrations at start; default true. */
  MIGRATE_ON_START: bool.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` (readable lines) or `json`; default: pretty when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  /** Maximum selection depth of one operation; default 12. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  /** Maximum estimated cost of one operation (list fields count `first` times); default 20000. */
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().positive().default(20000),
  /** GraphQL HTTP requests executing at once; more wait in a fair queue; default 4 with PGlite, 16 with PostgreSQL. */
  HTTP_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(1).max(1024).optional(),
  /** Longest wait in that queue before a request is answered 503 + Retry-After; default 2000 ms. */
  HTTP_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2000),
  /** Requests per minute one API token may make over HTTP (shared across instances through Redis); default 600. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** Requests per minute one client address may make without a token, over HTTP and WebSocket (in Redis across instances); default 120. */
  API_ANONYMOUS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** Largest GraphQL request body (JSON, or a WebSocket message) in bytes; uploads have UPLOAD_MAX_BYTES; default 1 MiB. */
  GRAPHQL_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Tokens (names, punctuation, values) the parser reads in one document before refusing it; default 10000. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).default(10_000),
  /** Operations (subscriptions and queries in flight) one WebSocket may hold open; default 100. */
  GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().positive().default(100),
  /** allow: any document, manifest hashes and Automatic Persisted Queries; only: the manifest's hashes (ADMIN tokens and introspection excepted); default allow. */
  PERSISTED_OPERATIONS: z.enum(['allow', 'only']).default('allow'),
  /** Bytes a WebSocket may have waiting to be sent (a client that stopped reading) before it is closed 1013; default 4 MiB. */
  WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(64 * 1024).default(4 * 1024 * 1024),
  /** Answer __schema/__type introspection; default true, except with NODE_ENV=production. */
  GRAPHQL_INTROSPECTION: bool.optional(),
  /** Key encrypting marketplace credentials at rest: 32 bytes as 64 hex characters or base64. Default: DATA_DIR/credentials.key. */
  CREDENTIALS_KEY: z
    .string()
    .trim()
    .refine(
      (v) => /^[0-9a-fA-F]{64}$/.test(v) || (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, /[-_]/.test(v) ? 'base64url' : 'base64').length === 32),
      'must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)',
    )
    .optional(),
  /** INCREMENTAL syncs re-read this many seconds before the last watermark, so late or same-timestamp changes are not missed; default 300. */
  SYNC_LOOKBACK_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Sync runs one worker process executes at once; default 4. */
  SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How often a running sync proves it is alive; default 5000 ms. */
  SYNC_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5000),
  /** A RUNNING sync silent for this long was orphaned by a crash: it is marked INTERRUPTED and resumed; default 30000 ms. */
  SYNC_STALE_AFTER_MS: z.coerce.number().int().min(300).default(30_000),
  /** How often an idle worker looks for PENDING or INTERRUPTED runs (runs triggered here start at once); default 1000 ms. */
  SYNC_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** Run the scheduler in worker processes (ROLE worker or all); default true. */
  SCHEDULER_ENABLED: bool.default(true),
  /** IANA zone the cron expressions of schedules created from now on are read in (the daily FULL sync among them); default UTC. */
  SCHEDULER_TIME_ZONE: z.string().trim().refine(isTimeZone, 'must be an IANA time zone such as Europe/Bucharest or UTC').default('UTC'),
  /** Hour (0-23, in SCHEDULER_TIME_ZONE) of each marketplace account's daily FULL sync, when its schedule is created; default 2. */
  FULL_SYNC_HOUR: z.coerce.number().int().min(0).max(23).default(2),
  // Minutes between INCREMENTAL syncs of each kind of account, when its schedule is created (first start with the account; then the row is the user's).
  SYNC_INTERVAL_EMAG_MAIN_MINUTES: intervalMinutes,
  SYNC_INTERVAL_EMAG_FBE_MINUTES: intervalMinutes,
  SYNC_INTERVAL_OZON_MINUTES: intervalMinutes,
  SYNC_INTERVAL_WILDBERRIES_MINUTES: intervalMinutes,
  SYNC_INTERVAL_STOREFRONT_MINUTES: intervalMinutes,
  /** An account whose last successful sync is older than this is stale (syncHealth, /readyz, alerts); default 120 minutes. */
  STALE_AFTER_MINUTES: z.coerce.number().int().min(1).max(100_000).default(120),
  /** Failed runs of one account in a row that raise an alert; default 3. */
  ALERT_FAILURES_IN_A_ROW: z.coerce.number().int().min(1).max(100).default(3),
  /** Share of failed or partial runs in the last hour (percent) that raises an alert; default 50. */
  ALERT_ERROR_RATE_PERCENT: z.coerce.number().min(1).max(100).default(50),
  /** Runs in the last hour needed before the error rate counts; default 4. */
  ALERT_ERROR_RATE_MIN_RUNS: z.coerce.number().int().min(1).default(4),
  /** Sync logs older than this are deleted by the daily retention job; default 30 days. */
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Let webhooks target private, loopback and link-local addresses (development, tests); default false. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /**
   * Let account base URLs point at private, loopback, link-local and CGNAT addresses (local
   * simulators); checked at save and at connect. Default: on with NODE_ENV=test and for the
   * sandbox's own simulator accounts, off otherwise.
   */
  ACCOUNT_ALLOW_PRIVATE_TARGETS: bool.optional(),
  /** Webhook deliveries one worker sends at once; default 8. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** A webhook whose every attempt failed for this long is disabled (with an alert); default 120 hours (5 days). */
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().positive().max(24 * 365).default(120),
  /** After a secret rotation the previous secret signs beside the new one this long; default 24 hours (0: at once). */
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** Delivered (SUCCESS) and stopped (FAILED) webhook deliveries are deleted, with their attempt log, after this many days; default 30. */
  WEBHOOK_DELIVERED_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Dead letters not replayed are deleted after this many days (replayed ones with the delivered); default 90. */
  WEBHOOK_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Background tasks one worker runs at once; default 2. */
  TASK_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** How long task results and their files are kept; default 24 hours. */
  TASK_RESULT_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24),
  /**
   * Bearer token /metrics requires (`Authorization: Bearer <METRICS_TOKEN>`, 401 otherwise).
   * Unset: /metrics is open, for Prometheus scraping on an internal network only.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Largest accepted upload (imports); default 10 MB. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** Base URL put in links sent out of the service (report e-mails); default http://localhost:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /**
   * Origins whose pages may call the API from the browser (CORS) and open its WebSocket: comma-separated
   * `https://app.example.com`, `http://localhost:*` (any port) or `*` (any origin). The service's own
   * origin and PUBLIC_URL's are always allowed. Default: those, plus localhost, 127.0.0.1 and [::1] on any port
   * with NODE_ENV=development.
   */
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(CORS_ORIGIN, { error: (issue) => `"${String(issue.input)}" must be an origin (scheme://host[:port], the port may be *) or *` })))
    .optional(),
  /** smtp:// or smtps:// URL (user:password@host:port) to mail finished reports; unset: no mail. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  /** Sender of those mails; default stockline@localhost. */
  SMTP_FROM: z.string().min(3).default('Stockline <stockline@localhost>'),
  /** With no account declared below: start the marketplace simulators and use them (never with ROLE=api); default true without DATABASE_URL unless NODE_ENV=test. */
  SANDBOX: bool.optional(),
  // Marketplace accounts declared in the environment (upserted by name at start).
  EMAG_MAIN_USERNAME: z.string().optional(),
  EMAG_MAIN_PASSWORD: z.string().optional(),
  EMAG_MAIN_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** IANA zone of eMAG dates; default by host (.ro Europe/Bucharest, .bg Europe/Sofia, .hu Europe/Budapest). */
  EMAG_MAIN_TIME_ZONE: z.string().optional(),
  /** Acknowledge new eMAG orders after reading them (an order system must; a reporting one must not); default false. */
  EMAG_MAIN_ACK_ORDERS: bool.optional(),
  EMAG_MAIN_WAREHOUSE_ID: z.string().optional(),
  EMAG_FBE_USERNAME: z.string().optional(),
  EMAG_FBE_PASSWORD: z.string().optional(),
  EMAG_FBE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  EMAG_FBE_TIME_ZONE: z.string().optional(),
  EMAG_FBE_ACK_ORDERS: bool.optional(),
  OZON_CLIENT_ID: z.string().regex(/^\d+$/, 'must be digits').optional(),
  OZON_API_KEY: z.string().optional(),
  OZON_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OZON_WAREHOUSE_ID: z.string().optional(),
  WB_TOKEN: z.string().optional(),
  WB_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Wildberries hosts, each defaulting to the public one (see README). */
  WB_CONTENT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  WB_PRICES_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  WB_MARKETPLACE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  WB_STATISTICS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  WB_WAREHOUSE_ID: z.string().optional(),
  STOREFRONT_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  STOREFRONT_TOKEN: z.string().optional(),
  STOREFRONT_CURRENCY: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value names the variable and what it must be. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
