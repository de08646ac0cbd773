/**
 * What the webhook worker knows of each webhook it sends for, and since when. A delivery claimed
 * ahead waits in the worker's buffer while its webhook may change: disabled or deleted, paused by
 * another instance (a 429/503 it heard), given a new secret or URL. It is sent only while the
 * worker's view of its webhook was read at most `maxAgeMs` ago (by a claim, or by a check, that
 * started that recently) and shows the webhook active, not paused, posting to the URL and signing
 * with the secrets the delivery was claimed with; otherwise it goes back uncounted and is claimed
 * again as the webhook now is.
 *
 * Views older than that are read again, every due webhook in one statement, so a steady stream
 * costs about one statement per `maxAgeMs`, not one per delivery. A change made through this
 * instance drops its view at once (webhook.changes.ts). A change made by another instance is
 * honoured by every send that starts more than `maxAgeMs` after that change committed.
 */
import type { AppServices } from '../../core/services.js';
import { onWebhookChanged } from './webhook.changes.js';

/** What a delivery was claimed with, compared with the webhook as the view shows it. */
export interface ClaimedWith {
  webhookId: string;
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted?: string | null;
  previousSecretUntil?: Date | null;
}

interface View {
  /** When the statement that read it started (ms): the row it saw is at least that recent. */
  readAt: number;
  active: boolean;
  paused: boolean;
  url: string;
  secretEncrypted: string;
  previousSecretEncrypted: string | null;
  previousSecretUntil: number | null;
}

/** A read under way: when it started, and how many change notices had been heard then. */
export interface Read {
  startedAt: number;
  heard: number;
}

/** A deleted webhook: nothing matches it. */
const GONE: Omit<View, 'readAt'> = { active: false, paused: false, url: '', secretEncrypted: '', previousSecretEncrypted: null, previousSecretUntil: null };

const time = (date: Date | null | undefined) => date?.getTime() ?? null;

export function webhookViews(services: AppServices, options: { maxAgeMs: number }) {
  const views = new Map<string, View>();
  /** Change notices heard so far, and the count when each webhook's last one came. */
  let heard = 0;
  const changedAt = new Map<string, number>();
  const unsubscribe = onWebhookChanged(services, (webhookId) => {
    changedAt.set(webhookId, ++heard);
    views.delete(webhookId);
  });

  const begin = (): Read => ({ startedAt: Date.now(), heard });

  /** Keeps what a read saw, unless the webhook changed here after the read began, or a later read is kept already. */
  function keep(read: Read, webhookId: string, view: Omit<View, 'readAt'>) {
    if ((changedAt.get(webhookId) ?? 0) > read.heard) return;
    const kept = views.get(webhookId);
    if (kept && kept.readAt >= read.startedAt) return;
    views.set(webhookId, { ...view, readAt: read.startedAt });
  }

  async function reread(webhookIds: string[]) {
    const read = begin();
    const rows = await services.prisma.$queryRaw<(Omit<View, 'readAt' | 'previousSecretUntil'> & { id: string; previousSecretUntil: Date | null })[]>`
      SELECT id::text AS id, active, COALESCE("pausedUntil" > now(), false) AS paused, url, "secretEncrypted", "previousSecretEncrypted", "previousSecretUntil"
        FROM "WebhookSubscription" WHERE id = ANY(${webhookIds}::uuid[])`;
    const found = new Set<string>();
    for (const { id, previousSecretUntil, ...row } of rows) {
      found.add(id);
      keep(read, id, { ...row, previousSecretUntil: time(previousSecretUntil) });
    }
    for (const id of webhookIds) if (!found.has(id)) keep(read, id, GONE);
  }

  function matches(d: ClaimedWith, v: View | undefined): boolean {
    return (
      v !== undefined &&
      v.active &&
      !v.paused &&
      v.url === d.url &&
      v.secretEncrypted === d.secretEncrypted &&
      v.previousSecretEncrypted === (d.previousSecretEncrypted ?? null) &&
      v.previousSecretUntil === time(d.previousSecretUntil)
    );
  }

  return {
    /** Call before a claim statement; pass the result to `claimed`. */
    begin,
    /** A claim (begun with `read`) returned these: their webhooks were active and not paused, with these URLs and secrets. */
    claimed(read: Read, deliveries: readonly ClaimedWith[]) {
      for (const d of deliveries) {
        keep(read, d.webhookId, {
          active: true,
          paused: false,
          url: d.url,
          secretEncrypted: d.secretEncrypted,
          previousSecretEncrypted: d.previousSecretEncrypted ?? null,
          previousSecretUntil: time(d.previousSecretUntil),
        });
      }
    },
    /**
     * Splits deliveries about to be sent into those their webhook still sends as claimed and those
     * to hand back. Views too old (of these, and of `alsoDue`: the buffer's, read in the same
     * statement) are read again first.
     */
    async check<T extends ClaimedWith>(deliveries: readonly T[], alsoDue: readonly ClaimedWith[] = []): Promise<{ current: T[]; changed: T[] }> {
      const oldest = Date.now() - options.maxAgeMs;
      const due = new Set<string>();
      for (const d of deliveries) if ((views.get(d.webhookId)?.readAt ?? -Infinity) <= oldest) due.add(d.webhookId);
      if (due.size) for (const d of alsoDue) if ((views.get(d.webhookId)?.readAt ?? -Infinity) <= oldest) due.add(d.webhookId);
      if (due.size) await reread([...due]);
      const current: T[] = [];
      const changed: T[] = [];
      for (const d of deliveries) (matches(d, views.get(d.webhookId)) ? current : changed).push(d);
      return { current, changed };
    },
    close: unsubscribe,
  };
}
