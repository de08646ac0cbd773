import type { Actor, AppServices } from '../core/services.js';

export interface Context extends AppServices {
  actor: Actor | null;
  /** Per-operation depth, cost and breadth limits (complexity plugin). */
  limits: { depth: number; complexity: number; breadth: number };
}
