import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { registerTaskKind, TaskUserError } from '../../src/modules/tasks/task-kinds.js';
import { startTaskRunner } from '../../src/modules/tasks/task-runner.js';
import { cleanupExpiredTasks } from '../../src/modules/tasks/task-retention.js';
import { storeFile, filePath } from '../../src/modules/files/file.store.js';
import { download, taskOf, waitForTask } from './task-helpers.js';
import { waitFor } from '../helpers/catalog.js';

const runs: { id: string; attempt: number; checkpoint: unknown }[] = [];
registerTaskKind('test.steps', {
  description: 'test: counts to n, saving a checkpoint at each step, then stores a file',
  input: z.object({ n: z.number().int(), fail: z.string().optional(), crash: z.boolean().optional() }),
  async run(ctx) {
    runs.push({ id: ctx.taskId, attempt: ctx.attempt, checkpoint: ctx.checkpoint });
    if (ctx.input.fail === 'user') throw new TaskUserError('That cannot be done');
    if (ctx.input.fail === 'bug') throw new Error('secret internals');
    const from = (ctx.checkpoint as number | null) ?? 0;
    for (let i = from + 1; i <= ctx.input.n; i++) {
      await ctx.progress(i, ctx.input.n);
      await ctx.saveCheckpoint(i);
    }
    const file = await ctx.saveFile('résumé "steps".txt', 'text/plain; charset=utf-8', `counted from ${from} to ${ctx.input.n}`);
    return { fileId: file.id, url: ctx.fileUrl(file.id), from };
  },
});

describe('task runner, files and retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { taskRunner: { pollMs: 50, leaseMs: 5000 } });
  });
  afterAll(async () => t?.close());

  const create = (input: Record<string, unknown>, data: Record<string, unknown> = {}) =>
    t.app.services.prisma.backgroundTask.create({ data: { kind: 'test.steps', input: input as never, createdBy: 'OPERATOR:test', ...data } });

  it('runs a task to SUCCESS and serves its file to token holders only', async () => {
    const task = await create({ n: 3 });
    t.app.services.taskRunner!.kick();
    const done = await waitForTask(t, task.id);
    expect(done).toMatchObject({ status: 'SUCCESS', percent: 100, progressCurrent: 3, progressTotal: 3, attempts: 1, result: { from: 0 } });
    const expiresIn = new Date(done.expiresAt).getTime() - new Date(done.finishedAt).getTime();
    expect(expiresIn).toBe(24 * 3_600_000);
    expect(done.files[0]).toMatchObject({ filename: 'résumé "steps".txt', contentType: 'text/plain; charset=utf-8', size: 19, expiresAt: done.expiresAt });

    expect((await download(t, done.result.url, null)).status).toBe(401);
    expect((await download(t, done.result.url, 'not-a-token')).status).toBe(401);
    const viewer = await t.tokenFor('VIEWER');
    const res = await download(t, done.result.url, viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="r_sum_ _steps_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22steps%22.txt`);
    expect(await res.text()).toBe('counted from 0 to 3');
    expect((await download(t, `${t.url}/files/00000000-0000-4000-8000-000000000000`, viewer)).status).toBe(404);
    expect((await download(t, `${t.url}/files/nope`, viewer)).status).toBe(404);
  });

  it('a failure is FAILURE with a message safe for users', async () => {
    const user = await create({ n: 1, fail: 'user' });
    const bug = await create({ n: 1, fail: 'bug' });
    t.app.services.taskRunner!.kick();
    expect(await waitForTask(t, user.id)).toMatchObject({ status: 'FAILURE', error: 'That cannot be done', result: null, attempts: 1 });
    const failed = await waitForTask(t, bug.id);
    expect(failed.status).toBe('FAILURE');
    expect(failed.error).toMatch(/failed unexpectedly/);
    expect(failed.error).not.toMatch(/secret/);
  });

  it("a crashed worker's task is taken over after its lease, resuming from its checkpoint", async () => {
    // As a worker that died after step 2 of attempt 1 leaves it, while its lease still runs: nobody takes it.
    const task = await create({ n: 4 }, { status: 'PROGRESS', attempts: 1, progressCurrent: 2, progressTotal: 4, leaseUntil: new Date(Date.now() + 60_000), startedAt: new Date(), result: { checkpoint: 2 } });
    expect((await taskOf(t, task.id)).status).toBe('PROGRESS');
    // Its lease runs out (as once its time has passed): the runner takes it over.
    await t.app.services.prisma.backgroundTask.update({ where: { id: task.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const done = await waitForTask(t, task.id);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 2, progressCurrent: 4, result: { from: 2 } });
    expect(runs.filter((r) => r.id === task.id)).toEqual([{ id: task.id, attempt: 2, checkpoint: 2 }]);
  });

  it('gives a task up after its third interrupted attempt', async () => {
    const task = await create({ n: 1 }, { status: 'PROGRESS', attempts: 3, leaseUntil: new Date(Date.now() - 1000), startedAt: new Date() });
    t.app.services.taskRunner!.kick();
    const done = await waitForTask(t, task.id);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 3 });
    expect(done.error).toMatch(/interrupted 3 times/);
    expect(runs.some((r) => r.id === task.id)).toBe(false);
  });

  it('two runners never run the same task twice', async () => {
    const other = startTaskRunner(t.app.services, { concurrency: 4, pollMs: 10 });
    try {
      const tasks = await Promise.all(Array.from({ length: 12 }, () => create({ n: 2 })));
      t.app.services.taskRunner!.kick();
      other.kick();
      for (const task of tasks) expect(await waitForTask(t, task.id)).toMatchObject({ status: 'SUCCESS', attempts: 1 });
      for (const task of tasks) expect(runs.filter((r) => r.id === task.id)).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it('cleanupExpiredTasks deletes expired tasks with their files, and expired files stop being served', async () => {
    const p = t.app.services.prisma;
    const task = await create({ n: 1 });
    t.app.services.taskRunner!.kick();
    const done = await waitForTask(t, task.id);
    const file = await p.storedFile.findFirstOrThrow({ where: { taskId: task.id } });
    const loose = await storeFile(t.app.services, 'loose', { filename: 'x.txt', contentType: 'text/plain', expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await download(t, done.result.url)).status).toBe(200);

    // Nothing is due yet.
    expect(await cleanupExpiredTasks(t.app.services)).toEqual({ tasksDeleted: 0, filesDeleted: 0 });
    // Past the expiry: no longer served even before the cleanup runs.
    await p.backgroundTask.update({ where: { id: task.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await p.storedFile.updateMany({ where: { id: { in: [file.id, loose.id] } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await download(t, done.result.url)).status).toBe(404);
    expect(await cleanupExpiredTasks(t.app.services)).toEqual({ tasksDeleted: 1, filesDeleted: 2 });
    expect(await p.backgroundTask.findUnique({ where: { id: task.id } })).toBeNull();
    expect(await p.storedFile.count({ where: { id: { in: [file.id, loose.id] } } })).toBe(0);
    expect(existsSync(filePath(t.app.services, file))).toBe(false);
    expect(existsSync(filePath(t.app.services, loose))).toBe(false);
    expect(await taskOf(t, task.id)).toBeNull();
  });

  it('stopping hands running tasks back to the queue without spending an attempt', async () => {
    const own = await startTestApp({}, { taskRunner: false });
    try {
      registerSlow();
      const task = await own.app.services.prisma.backgroundTask.create({ data: { kind: 'test.slow', input: {}, createdBy: 'OPERATOR:test' } });
      const runner = startTaskRunner(own.app.services, { concurrency: 1, pollMs: 20 });
      for (let i = 0; i < 100 && (await taskOf(own, task.id)).status !== 'PROGRESS'; i++) await new Promise((r) => setTimeout(r, 20));
      await runner.stop();
      expect(await taskOf(own, task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    } finally {
      await own.close();
    }
  });
});

describe('task runner: claims and stopping', () => {
  let own: TestApp;
  beforeAll(async () => {
    own = await startTestApp({}, { taskRunner: false });
    registerSlow();
  });
  afterAll(async () => own?.close());
  // Each test starts from an empty queue (a task left PENDING would be claimed by the next test's runner).
  afterEach(async () => void (await own.app.services.prisma.backgroundTask.deleteMany({})));

  /** The app's services with a database whose task claims go through `onClaim` first. */
  function withClaimHook(onClaim: (n: number) => Promise<void> | void) {
    const prisma = own.app.services.prisma;
    let claims = 0;
    const hooked = new Proxy(prisma, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== '$queryRaw') return typeof value === 'function' ? value.bind(target) : value;
        return async (strings: TemplateStringsArray, ...values: unknown[]) => {
          if (strings.join('?').includes(`SET status = 'PROGRESS'`)) await onClaim(++claims);
          return (value as (...args: unknown[]) => unknown).call(target, strings, ...values);
        };
      },
    });
    return { services: { ...own.app.services, prisma: hooked }, claims: () => claims };
  }

  it('a claim that fails does not strand the task claimed just before it', async () => {
    const task = await own.app.services.prisma.backgroundTask.create({ data: { kind: 'test.steps', input: { n: 1 }, createdBy: 'OPERATOR:test' } });
    const hook = withClaimHook((n) => {
      if (n === 2) throw new Error('timed out fetching a connection from the pool');
    });
    // The lease outlives the test: only a task started at once finishes in time.
    const runner = startTaskRunner(hook.services, { concurrency: 2, pollMs: 20, leaseMs: 60_000 });
    try {
      expect(await waitForTask(own, task.id, 5000)).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    } finally {
      await runner.stop();
    }
  });

  it('stop() during a claim claims nothing more', async () => {
    const tasks = await Promise.all([1, 2, 3].map(() => own.app.services.prisma.backgroundTask.create({ data: { kind: 'test.slow', input: {}, createdBy: 'OPERATOR:test' } })));
    let entered!: () => void;
    const inClaim = new Promise<void>((resolve) => (entered = resolve));
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const hook = withClaimHook(async (n) => {
      if (n > 1) return;
      entered();
      await held;
    });
    const runner = startTaskRunner(hook.services, { concurrency: 3, pollMs: 20 });
    await inClaim;
    const stopped = runner.stop();
    letGo();
    await stopped;
    expect(hook.claims()).toBe(1);
    for (const task of tasks) expect(await taskOf(own, task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });

  it('stopping hands a task back even when its kind throws its own error on the abort', async () => {
    registerTaskKind('test.wraps-abort', {
      description: 'test: waits until aborted, then throws an error of its own',
      input: z.object({}),
      async run(ctx) {
        await ctx.progress(0, 1);
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('the export was cut short')), { once: true }));
      },
    });
    const task = await own.app.services.prisma.backgroundTask.create({ data: { kind: 'test.wraps-abort', input: {}, createdBy: 'OPERATOR:test' } });
    const runner = startTaskRunner(own.app.services, { concurrency: 1, pollMs: 20 });
    await waitFor(async () => (await taskOf(own, task.id)).progressTotal === 1, { what: 'the task to run' });
    await runner.stop();
    expect(await taskOf(own, task.id)).toMatchObject({ status: 'PENDING', attempts: 0 });
  });
});

let slowRegistered = false;
function registerSlow() {
  if (slowRegistered) return;
  slowRegistered = true;
  registerTaskKind('test.slow', {
    description: 'test: waits until aborted',
    input: z.object({}),
    async run(ctx) {
      await ctx.progress(0, 1);
      ctx.signal.throwIfAborted();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
    },
  });
}
