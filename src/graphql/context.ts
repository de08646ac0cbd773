import type { Logger } from 'pino';
import type { PrismaClient, Role } from '../generated/prisma/client.js';
import type { EventBus } from '../events/event-bus.js';

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
}

export interface Context extends AppServices {
  actor: Actor | null;
  /** Per-operation depth, cost and breadth limits (complexity plugin). */
  limits: { depth: number; complexity: number; breadth: number };
}
