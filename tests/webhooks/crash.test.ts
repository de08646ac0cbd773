/**
 * No delivery is lost when a worker dies. PostgreSQL: the service runs as a real child process,
 * is SIGKILLed while most of 200 deliveries are still pending (some in flight), and a second
 * process on the same database delivers every one; the receiver dedupes on X-Webhook-Id and sees
 * each event exactly once. Requests beyond one per delivery are accounted for by claims: those open
 * at the kill, and failed attempts (a timeout after the receiver had the request). Both backends: a graceful stop hands in-flight deliveries back at once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { backend, createScratchDatabase, dataOf, startTestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { killAllChildren, serviceEnv, startChildService, type ChildService } from '../helpers/child-service.js';
import { createWorkCenter } from '../helpers/production.js';
import { startReceiver, type Receiver } from './receiver.js';
import { AHEAD_PER_SLOT, UNSETTLED_PER_SLOT } from '../../src/modules/webhooks/webhook.worker.js';

const EVENTS = 200;
const ADMIN_TOKEN = `webhook-crash-admin-${randomBytes(16).toString('hex')}`;
const CREDENTIALS_KEY = randomBytes(32).toString('hex');
const ERRORS = 'errors { code message field }';

const receivers: Receiver[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await killAllChildren();
  await Promise.all(receivers.map((r) => r.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function childEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return serviceEnv({ ADMIN_TOKEN, CREDENTIALS_KEY, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_CONCURRENCY: '4', DATABASE_URL: databaseUrl, DATA_DIR: dataDir });
}

describe('webhook deliveries survive the worker', () => {
  if (backend === 'postgres') {
    it('a SIGKILLed worker loses nothing: the next process delivers every delivery, each event once after dedupe', { timeout: 180_000 }, async () => {
      const scratch = await createScratchDatabase();
      const dataDir = mkdtempSync(join(tmpdir(), 'stockline-webhook-crash-'));
      dirs.push(dataDir);
      const db = new pg.Client({ connectionString: scratch.url });
      try {
        // A slow receiver (4 in flight × 100 ms): most deliveries are still pending when the process dies.
        // Its first LATE requests are answered after the 1000 ms timeout: received, yet failed attempts
        // for the sender, so retried (at least once). A loaded machine does the same to any request.
        const LATE = 3;
        // No answer before every event is recorded, so that the kill comes while most deliveries are
        // pending however long the 200 mutations take (a request held past its timeout is one more failed attempt).
        let allRecorded!: () => void;
        const recorded = new Promise<void>((resolve) => (allRecorded = resolve));
        const receiver = await startReceiver(async (_req, i, res) => {
          await recorded;
          await new Promise((resolve) => setTimeout(resolve, i < LATE ? 1300 : 100));
          res.writeHead(204).end();
        });
        receivers.push(receiver);

        const first: ChildService = await startChildService({ env: childEnv(scratch.url, dataDir), token: ADMIN_TOKEN });
        const created = dataOf(
          await first.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, {
            i: { url: `${receiver.url}/hook`, events: ['work_center.created'], timeoutMs: 1000 },
          }),
        ).createWebhook;
        expect(created.errors).toEqual([]);
        for (let i = 0; i < EVENTS; i += 20) {
          await Promise.all(
            Array.from({ length: 20 }, async (_, k) => {
              const r = dataOf(
                await first.gql(`mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { id } ${ERRORS} } }`, {
                  i: { identifier: `CRASH-${i + k}`, name: `Line ${i + k}` },
                }),
              ).createWorkCenter;
              expect(r.errors).toEqual([]);
            }),
          );
        }
        allRecorded();
        await waitFor(() => receiver.received.length >= 20, { timeoutMs: 30_000, what: 'some deliveries before the kill' });
        await first.kill('SIGKILL');
        const atKill = receiver.received.length;

        await db.connect();
        const pending = Number((await db.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'PENDING'`)).rows[0].n);
        const total = Number((await db.query(`SELECT count(*) AS n FROM "WebhookDelivery"`)).rows[0].n);
        expect(total).toBe(EVENTS); // every event's delivery was committed with its work center
        expect(pending).toBeGreaterThan(EVENTS / 2); // the kill came early
        expect(atKill).toBeLessThan(EVENTS);

        const second = await startChildService({ env: childEnv(scratch.url, dataDir), token: ADMIN_TOKEN });
        await waitFor(
          async () => Number((await db.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'SUCCESS'`)).rows[0].n) === EVENTS,
          { timeoutMs: 120_000, intervalMs: 200, what: 'every delivery to succeed' },
        );
        const rows = (await db.query(`SELECT id::text AS id, "eventId", attempts FROM "WebhookDelivery"`)).rows as { id: string; eventId: string; attempts: number }[];

        // Every delivery id reached the receiver at least once; after dedupe on X-Webhook-Id, each event once.
        const byId = new Map<string, string>();
        for (const request of receiver.received) byId.set(String(request.headers['x-webhook-id']), JSON.parse(request.body).id);
        expect(new Set(byId.keys())).toEqual(new Set(rows.map((r) => r.id)));
        const events = [...byId.values()];
        expect(new Set(events).size).toBe(EVENTS);
        expect(events.length).toBe(EVENTS);
        const workCenters = Number((await db.query(`SELECT count(*) AS n FROM "WorkCenter"`)).rows[0].n);
        expect(workCenters).toBe(EVENTS);
        // Duplicates at the receiver come from claims, never beside them: a delivery reached the
        // receiver at most once per claim (attempts), and none was claimed after its success.
        const requests = new Map<string, number>();
        for (const request of receiver.received) requests.set(String(request.headers['x-webhook-id']), (requests.get(String(request.headers['x-webhook-id'])) ?? 0) + 1);
        for (const row of rows) expect(requests.get(row.id), row.id).toBeLessThanOrEqual(row.attempts);
        const log = (await db.query(`SELECT "deliveryId"::text AS id, attempt, success FROM "WebhookAttempt"`)).rows as { id: string; attempt: number; success: boolean }[];
        const succeededAt = new Map(log.filter((a) => a.success).map((a) => [a.id, a.attempt]));
        for (const row of rows) expect(succeededAt.get(row.id), row.id).toBe(row.attempts);
        // Claims that logged no attempt are those open at the kill: at most the concurrency (4)
        // requests out, UNSETTLED_PER_SLOT × 4 answered outcomes waiting to be recorded, and
        // AHEAD_PER_SLOT × 4 claimed ahead, not sent (webhook.worker.ts).
        const unlogged = rows.reduce((n, r) => n + r.attempts, 0) - log.length;
        expect(unlogged).toBeLessThanOrEqual((1 + UNSETTLED_PER_SLOT + AHEAD_PER_SLOT) * 4);
        // So the duplicates are at most those plus the failed attempts (the late answers, and any
        // request a loaded machine cut at the timeout after the receiver had it), not the concurrency alone.
        const failed = log.filter((a) => !a.success).length;
        expect(failed).toBeGreaterThanOrEqual(LATE);
        expect(receiver.received.length - EVENTS).toBeLessThanOrEqual(unlogged + failed);
        await second.kill('SIGTERM');
      } finally {
        await db.end().catch(() => {});
        await killAllChildren();
        await scratch.drop();
      }
    });
  }

  if (backend === 'postgres') {
    it('a worker SIGKILLed during an ordered replay: after restart each key still arrives in order and nothing is lost', { timeout: 180_000 }, async () => {
      const KEYS = 8;
      const UPDATES = 5;
      const scratch = await createScratchDatabase();
      const dataDir = mkdtempSync(join(tmpdir(), 'stockline-webhook-replay-crash-'));
      dirs.push(dataDir);
      const db = new pg.Client({ connectionString: scratch.url });
      try {
        let down = true;
        // Accepted requests in arrival order; while "down" every request fails (the events die as dead letters).
        const accepted: { id: string; key: string; sequence: number }[] = [];
        const receiver = await startReceiver(async (req, _i, res) => {
          if (down) return void res.writeHead(500).end();
          await new Promise((resolve) => setTimeout(resolve, 30));
          const body = JSON.parse(req.body);
          accepted.push({ id: String(req.headers['webhook-id']), key: body.orderingKey, sequence: body.sequence });
          res.writeHead(200).end();
        });
        receivers.push(receiver);
        const first: ChildService = await startChildService({ env: childEnv(scratch.url, dataDir), token: ADMIN_TOKEN });
        const created = dataOf(
          await first.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, {
            i: { url: `${receiver.url}/ordered`, events: ['work_center.created', 'work_center.updated'], retryCount: 0, timeoutMs: 1000 },
          }),
        ).createWebhook;
        const webhookId = created.webhook.id as string;
        await Promise.all(
          Array.from({ length: KEYS }, async (_, k) => {
            const wc = dataOf(await first.gql(`mutation($i: CreateWorkCenterInput!) { createWorkCenter(input: $i) { workCenter { id } ${ERRORS} } }`, { i: { identifier: `REPLAY-${k}`, name: 'v0' } }))
              .createWorkCenter.workCenter;
            for (let u = 1; u <= UPDATES; u++) {
              dataOf(await first.gql(`mutation($i: UpdateWorkCenterInput!) { updateWorkCenter(input: $i) { ${ERRORS} } }`, { i: { id: wc.id, name: `v${u}` } }));
            }
          }),
        );
        const total = KEYS * (UPDATES + 1);
        await db.connect();
        const count = async (status: string) => Number((await db.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = $1 AND "replayOf" IS NULL`, [status])).rows[0].n);
        await waitFor(async () => (await count('DEAD')) === total, { timeoutMs: 60_000, intervalMs: 100, what: 'every delivery to be a dead letter' });

        down = false;
        const replay = dataOf(
          await first.gql(`mutation($i: ReplayWebhookDeliveriesInput!) { replayWebhookDeliveries(input: $i) { task { id } ${ERRORS} } }`, { i: { webhookId } }),
        ).replayWebhookDeliveries;
        expect(replay.errors).toEqual([]);
        await waitFor(() => accepted.length >= 5, { timeoutMs: 30_000, what: 'some replays before the kill' });
        await first.kill('SIGKILL');
        const atKill = new Set(accepted.map((a) => a.id)).size;
        expect(atKill).toBeLessThan(total);

        const second = await startChildService({ env: childEnv(scratch.url, dataDir), token: ADMIN_TOKEN });
        await waitFor(
          async () => Number((await db.query(`SELECT count(*) AS n FROM "WebhookDelivery" WHERE status = 'SUCCESS' AND "replayOf" IS NOT NULL`)).rows[0].n) === total,
          { timeoutMs: 120_000, intervalMs: 200, what: 'every replay to succeed' },
        );
        // Deduped on webhook-id: every replay once, none missing, and each key's sequence 1..6 in order of first arrival.
        const firstArrival = new Map<string, { key: string; sequence: number }>();
        for (const a of accepted) if (!firstArrival.has(a.id)) firstArrival.set(a.id, a);
        expect(firstArrival.size).toBe(total);
        const perKey = new Map<string, number[]>();
        for (const { key, sequence } of firstArrival.values()) perKey.set(key, [...(perKey.get(key) ?? []), sequence]);
        expect(perKey.size).toBe(KEYS);
        for (const sequences of perKey.values()) expect(sequences).toEqual(Array.from({ length: UPDATES + 1 }, (_, i) => i + 1));
        await second.kill('SIGTERM');
      } finally {
        await db.end().catch(() => {});
        await killAllChildren();
        await scratch.drop();
      }
    });
  }

  if (backend === 'postgres') {
    it('a graceful stop waits for the outcomes already answered to be recorded (their slots were freed before)', async () => {
      const t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { pollMs: 100 } });
      const prisma = t.app.services.prisma;
      let answer!: () => void;
      const answered = new Promise<void>((resolve) => (answer = resolve));
      const receiver = await startReceiver(async (_req, _i, res) => {
        await answered;
        res.writeHead(200).end();
      });
      receivers.push(receiver);
      try {
        const created = dataOf(
          await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, {
            i: { url: `${receiver.url}/answered`, events: ['work_center.created'] },
          }),
        ).createWebhook;
        await createWorkCenter(t);
        await waitFor(() => receiver.received.length === 1, { what: 'the request' });
        const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: created.webhook.id } });
        // Hold the delivery's row: the answered outcome cannot be recorded until this transaction ends.
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const holder = prisma.$transaction(async (tx) => {
          await tx.$queryRaw`SELECT id FROM "WebhookDelivery" WHERE id = ${delivery.id}::uuid FOR UPDATE`;
          locked();
          await held;
        });
        await isLocked;
        answer();
        await waitFor(
          async () =>
            (await prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH o AS (%unnest(%'`)[0]!.n === 1,
          { what: 'the outcome to wait for the row' },
        );
        const order: string[] = [];
        const stopped = (t.app.services.webhookWorker as unknown as { stop(): Promise<void> }).stop().then(() => void order.push('stopped'));
        release();
        await holder;
        order.push('released');
        await stopped;
        expect(order).toEqual(['released', 'stopped']);
        expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id }, select: { status: true, attempts: true } })).toEqual({ status: 'SUCCESS', attempts: 1 });
        expect(await prisma.webhookAttempt.count({ where: { deliveryId: delivery.id } })).toBe(1);
      } finally {
        answer();
        await t.close();
      }
    });
  }

  it('a graceful stop cuts deliveries in flight and hands them back for the next worker', async () => {
    const receiver = await startReceiver(() => new Promise(() => {})); // never answers
    receivers.push(receiver);
    const t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { pollMs: 100 } });
    let closed = false;
    try {
      const created = dataOf(
        await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } ${ERRORS} } }`, {
          i: { url: `${receiver.url}/hang`, events: ['work_center.created'], timeoutMs: 30000 },
        }),
      ).createWebhook;
      await createWorkCenter(t);
      await waitFor(() => receiver.received.length === 1, { what: 'the request in flight' });
      const prisma = t.app.services.prisma;
      const claimed = await prisma.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: created.webhook.id } });
      expect(claimed.attempts).toBe(1);
      expect(claimed.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000); // leased
      // Stop the worker alone (the app's database stays open to look).
      const stopStarted = Date.now();
      const worker = t.app.services.webhookWorker as unknown as { stop(): Promise<void> };
      await worker.stop();
      expect(Date.now() - stopStarted).toBeLessThan(5000);
      const handedBack = await prisma.webhookDelivery.findFirstOrThrow({ where: { id: claimed.id } });
      expect(handedBack).toMatchObject({ status: 'PENDING', attempts: 0 });
      expect(handedBack.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(await prisma.webhookAttempt.count({ where: { deliveryId: claimed.id } })).toBe(0);
      await t.close();
      closed = true;
    } finally {
      if (!closed) await t.close();
    }
  });
});
