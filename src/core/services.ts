import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient, Role } from '../generated/prisma/client.js';
import type { EventBus } from '../events/event-bus.js';
import type { CommitHooks } from '../db/transaction.js';
import type { CredentialsCipher } from '../modules/accounts/credentials.crypto.js';
import type { TaskSettings } from '../modules/tasks/task.settings.js';
import type { MonitoringSettings } from '../modules/monitoring/monitoring.settings.js';
import type { SchedulerSettings } from '../scheduler/scheduler.settings.js';
import type { ReportMailer } from '../modules/reports/report-mailer.js';
import type { Metrics } from '../modules/metrics/metrics.registry.js';
import type { TargetPolicy } from '../modules/outbound/target-policy.js';
import type { Admission } from '../http/admission.js';
import type { QueueName } from '../jobs/queues.js';
import type { TokenCache } from '../modules/access/token-cache.js';

/** Who is calling: resolved from the bearer token before execution. */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
  /** When its token stops working (a subscription open then ends); null or absent: never. */
  expiresAt?: Date | null;
}

/** Everything a service needs; built once per app, shared by every request. */
export interface AppServices {
  prisma: PrismaClient;
  events: EventBus;
  /** What every transact() commit sets off: the outbox writes, then publishing and waking (wired in app.ts). */
  commitHooks: CommitHooks;
  logger: Logger;
  /** Encrypts and decrypts marketplace credentials (CREDENTIALS_KEY). */
  cipher: CredentialsCipher;
  /** Shared Redis (REDIS_URL): rate-limit budgets of marketplace accounts are kept there across instances. */
  redis?: Redis;
  /** Wakes this process's worker of `queue` after a commit queued work for it (no worker here: a poll finds the work). */
  wake?: (queue: QueueName) => void;
  /** The marketplace push worker of this instance, if it runs one (what `wake('pushes')` reaches). */
  pushWorker?: { wake(): void };
  /** This process's sync worker (absent with ROLE=api): `wake('syncs')` starts a triggered run at once; a cancel stops one running here. */
  syncRunner?: { kick(): void; cancel(runId: string): boolean };
  /** This process's webhook delivery worker (absent with ROLE=api): what `wake('webhooks')` reaches. */
  webhookWorker?: { wake(): void };
  /** Webhook target policy (WEBHOOK_ALLOW_PRIVATE_TARGETS); absent means private targets are refused. */
  webhookTargets?: { allowPrivate: boolean };
  /** Webhook secret rotation and retention settings (WEBHOOK_SECRET_GRACE_HOURS, WEBHOOK_*_RETENTION_DAYS); absent: the defaults. */
  webhookSettings?: { secretGraceMs: number; deliveredRetentionDays: number; deadLetterRetentionDays: number };
  /** Account base URL policy (ACCOUNT_ALLOW_PRIVATE_TARGETS), at save and at connect; absent means private targets are refused. */
  accountTargets?: TargetPolicy;
  /** Admission control of GraphQL HTTP requests (src/http/admission.ts); absent: every request runs at once. */
  admission?: Admission;
  /** This process's background task worker (absent with ROLE=api): what `wake('tasks')` reaches. */
  taskRunner?: { wake(): void; kick(): void };
  /** Where task files live, their lifetime and the upload cap (default: see src/modules/tasks/task.settings.ts). */
  tasks?: TaskSettings;
  /** Sends report links by mail (SMTP_URL); absent or unconfigured: mails are skipped and the task result says so. */
  mailer?: ReportMailer;
  /** Intervals, FULL sync hour and zone of the schedules created from now on (SYNC_INTERVAL_*_MINUTES, FULL_SYNC_HOUR, SCHEDULER_TIME_ZONE); default: src/scheduler/scheduler.settings.ts. */
  scheduling?: SchedulerSettings;
  /** Health and alert thresholds and the clock they use (default: the documented defaults and the system clock). */
  monitoring?: MonitoringSettings;
  /** This app's Prometheus metrics (its own registry), served at /metrics; absent: nothing is counted. */
  metrics?: Metrics;
  /** Verified API tokens, so requests skip the database lookup (src/modules/access/token-cache.ts); absent: every request looks its token up. */
  tokens?: TokenCache;
}
