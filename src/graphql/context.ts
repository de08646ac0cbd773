import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { PrismaClient, Role } from '../generated/prisma/client.js';
import type { EventBus } from '../events/event-bus.js';
import type { CredentialsCipher } from '../modules/accounts/credentials.crypto.js';

/** Who is calling: resolved from the bearer token before execution. */
export interface Actor {
  tokenId: string;
  name: string;
  role: Role;
}

/** Everything a service needs; built once per app, shared by every request. */
export interface AppServices {
  prisma: PrismaClient;
  events: EventBus;
  logger: Logger;
  /** Encrypts and decrypts marketplace credentials (CREDENTIALS_KEY). */
  cipher: CredentialsCipher;
  /** Shared Redis (REDIS_URL): rate-limit budgets of marketplace accounts are kept there across instances. */
  redis?: Redis;
  /** The marketplace push worker of this instance, if it runs one: edits kick it right after commit. */
  pushWorker?: { kick(): void };
  /** This process's sync worker (absent with ROLE=api): triggers start at once instead of at the next poll. */
  syncRunner?: { kick(): void; cancel(runId: string): boolean };
}

export interface Context extends AppServices {
  actor: Actor | null;
  /** Per-operation depth, cost and breadth limits (complexity plugin). */
  limits: { depth: number; complexity: number; breadth: number };
}
