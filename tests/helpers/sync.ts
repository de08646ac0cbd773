import { dataOf, type TestApp } from './app.js';
import { waitFor } from './catalog.js';

export const RUN_FIELDS = `id status mode scope created updated unchanged failed delisted conflicts pagesDone pagesTotal itemsDone percent error account { id }`;
const FINAL = new Set(['SUCCESS', 'PARTIAL', 'FAILED', 'CANCELLED']);

export async function trigger(t: TestApp, input: Record<string, unknown>, token?: string) {
  const r = dataOf(await t.gql(`mutation($input: TriggerSyncInput!) { triggerSync(input: $input) { runs { ${RUN_FIELDS} } errors { code message field } } }`, { input }, token)).triggerSync;
  return r as { runs: any[]; errors: { code: string; message: string; field: string[] }[] };
}

export async function runOf(t: TestApp, id: string) {
  return dataOf(await t.gql(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id })).syncRun;
}

/** Polls the run until it reaches a final status. */
export async function waitForRun(t: TestApp, id: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const run = await runOf(t, id);
      return FINAL.has(run.status) ? run : null;
    },
    { timeoutMs, intervalMs: 50, what: `sync run ${id} to finish` },
  );
}

/** Triggers one account's sync and waits for its outcome. */
export async function syncNow(t: TestApp, accountId: string, input: Record<string, unknown> = {}) {
  const { runs, errors } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL', ...input });
  if (errors.length) throw new Error(JSON.stringify(errors));
  return waitForRun(t, runs[0].id);
}
