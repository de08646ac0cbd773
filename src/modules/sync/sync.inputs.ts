import { z } from 'zod';
import { channels } from '../../connectors/channels.js';

const id = z.uuid('must be a valid id');
const strategies = ['REMOTE_PRIORITY', 'LOCAL_PRIORITY', 'NEWEST_WINS', 'MANUAL'] as const;

export const triggerSyncInput = z
  .object({
    accountIds: z.array(id).max(100).nullish(),
    channels: z.array(z.enum(channels)).nullish(),
    scope: z.enum(['PRODUCTS', 'ORDERS', 'ALL']).nullish().transform((v) => v ?? 'ALL'),
    mode: z.enum(['FULL', 'INCREMENTAL', 'SELECTIVE']).nullish().transform((v) => v ?? 'INCREMENTAL'),
    skus: z.array(z.string().trim().min(1, 'a SKU must not be empty').max(255)).max(10_000, 'at most 10000 SKUs').nullish(),
    maxPages: z.int().min(1, 'maxPages must be at least 1').max(1_000_000).nullish(),
    conflictStrategy: z.enum(strategies).nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.mode === 'SELECTIVE' && !input.skus?.length) ctx.addIssue({ code: 'custom', path: ['skus'], message: 'a SELECTIVE sync needs the SKUs to fetch' });
    if (input.mode !== 'SELECTIVE' && input.skus?.length) ctx.addIssue({ code: 'custom', path: ['skus'], message: 'SKUs are only used by a SELECTIVE sync' });
    if (input.mode === 'SELECTIVE' && input.scope === 'ORDERS') ctx.addIssue({ code: 'custom', path: ['mode'], message: 'a SELECTIVE sync selects products by SKU; use scope PRODUCTS or ALL' });
  });

export const runIdInput = z.object({ id });

export const resolveConflictInput = z.object({ id, resolution: z.enum(['KEEP_LOCAL', 'TAKE_REMOTE']) });
