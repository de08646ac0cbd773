import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { openWsClient } from '../helpers/ws-client.js';
import { startTaskRunner, type TaskRunner } from '../../src/modules/tasks/task-runner.js';
import { PAYLOAD, waitForTask } from './task-helpers.js';

const PROGRESS = 'taskId kind status progressCurrent progressTotal percent result error attempts at';

describe('taskProgress over graphql-ws', () => {
  let t: TestApp;
  let batchId: string;
  const clients: Client[] = [];
  const runners: TaskRunner[] = [];

  beforeAll(async () => {
    // No runner of its own: the test starts one once it is subscribed, so it sees every step.
    t = await startTestApp({}, { taskRunner: false });
    const p = t.app.services.prisma;
    const wc = await p.workCenter.create({ data: { identifier: 'WC-P', name: 'Line P' } });
    const batch = await p.batch.create({
      data: { taskDescription: 'T', shift: 'Day', team: 'A', batchNumber: 1, batchDate: new Date('2026-11-20'), nomenclature: 'N', eknCode: 'E', shiftStart: new Date('2026-11-20T08:00:00Z'), shiftEnd: new Date('2026-11-20T16:00:00Z'), workCenterId: wc.id },
    });
    batchId = batch.id;
    await p.unit.createMany({ data: Array.from({ length: 1200 }, (_, i) => ({ batchId, code: `P-${String(i).padStart(5, '0')}` })) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(runners.map((r) => r.stop()));
    await t?.close();
  });

  function subscribe(token: string, taskId: string) {
    const client = openWsClient(t.url, token, { lazy: true });
    clients.push(client);
    const events: any[] = [];
    let first!: () => void;
    const started = new Promise<void>((resolve) => (first = resolve));
    const done = new Promise<any[]>((resolve, reject) => {
      client.subscribe(
        { query: `subscription($id: ID!) { taskProgress(taskId: $id) { ${PROGRESS} } }`, variables: { id: taskId } },
        {
          next: (msg) => {
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            events.push((msg.data as any).taskProgress);
            first();
          },
          error: reject,
          complete: () => resolve(events),
        },
      );
    });
    return { started, done };
  }

  it('streams the current state, each chunk in order, and completes after SUCCESS', async () => {
    const started = dataOf(await t.gql(`mutation($i: AggregateBatchAsyncInput!) { aggregateBatchAsync(input: $i) { ${PAYLOAD} } }`, { i: { batchId } })).aggregateBatchAsync;
    expect(started.errors).toEqual([]);
    const viewer = await t.tokenFor('VIEWER');
    const stream = subscribe(viewer, started.task.id);
    await stream.started; // the first event is the task as it stands: still queued
    runners.push(startTaskRunner(t.app.services, { concurrency: 1, pollMs: 50 }));
    const events = await stream.done;

    expect(events[0]).toMatchObject({ taskId: started.task.id, kind: 'aggregateBatchAsync', status: 'PENDING', progressCurrent: 0, percent: 0, attempts: 0 });
    const running = events.filter((e) => e.status === 'PROGRESS');
    // Claimed, total known, then one report per chunk of 500.
    expect(running.map((e) => [e.progressCurrent, e.progressTotal])).toEqual([
      [0, null],
      [0, 1200],
      [500, 1200],
      [1000, 1200],
      [1200, 1200],
    ]);
    expect(running.map((e) => e.percent)).toEqual([0, 0, 41.6, 83.3, 100]);
    expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', percent: 100, progressCurrent: 1200, result: { batchId, aggregatedCount: 1200, refusedCount: 0, refused: [] }, error: null });
    for (let i = 1; i < events.length; i++) expect(new Date(events[i].at).getTime()).toBeGreaterThanOrEqual(new Date(events[i - 1].at).getTime());
    expect(await t.app.services.prisma.unit.count({ where: { batchId, aggregated: false } })).toBe(0);
  });

  it('a subscriber who comes after the end gets the final state only', async () => {
    const started = dataOf(await t.gql(`mutation($i: AggregateBatchAsyncInput!) { aggregateBatchAsync(input: $i) { ${PAYLOAD} } }`, { i: { batchId } })).aggregateBatchAsync;
    const final = await waitForTask(t, started.task.id);
    const events = await subscribe(t.adminToken, started.task.id).done;
    expect(events).toEqual([expect.objectContaining({ status: 'SUCCESS', percent: 100, result: final.result })]);
    expect(final.result).toMatchObject({ aggregatedCount: 0 });
  });

  it('an unknown task ends at once; a subscription needs a token', async () => {
    expect(await subscribe(t.adminToken, '00000000-0000-4000-8000-000000000000').done).toEqual([]);
    const client = openWsClient(t.url, null, { lazy: true });
    clients.push(client);
    const outcome = await new Promise<any>((resolve) => {
      client.subscribe({ query: `subscription { taskProgress(taskId: "00000000-0000-4000-8000-000000000000") { status } }` }, { next: resolve, error: (e) => resolve({ error: e }), complete: () => resolve(null) });
    });
    expect(JSON.stringify(outcome)).toMatch(/UNAUTHENTICATED|Authentication required|4403/);
  });
});
