import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNamedType, isObjectType } from 'graphql';
import { schema } from '../../src/graphql/schema.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { seedAccount } from '../helpers/catalog-seed.js';
import { seedRun } from '../monitoring/seed-runs.js';

// One page-size rule for every list of the API: `first` above 100 is cut down to 100, and the
// argument's description says so, on Prisma connections and hand-built lists alike.
const RULE = [/at most 100\b/, /a larger number is cut down to 100\b/];

describe('page size rule in the schema', () => {
  const fields = Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ path: `${type.name}.${field.name}`, field })));

  it('every connection field takes `first`', () => {
    const connections = fields.filter(({ field }) => getNamedType(field.type).name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThan(15);
    expect(connections.filter(({ field }) => !field.args.some((a) => a.name === 'first')).map((c) => c.path)).toEqual([]);
  });

  it("every `first` argument's description states the rule", () => {
    const firsts = fields.flatMap(({ path, field }) => field.args.filter((a) => a.name === 'first').map((a) => ({ path, description: a.description ?? '' })));
    expect(firsts.length).toBeGreaterThan(15);
    expect(firsts.filter(({ description }) => !RULE.every((re) => re.test(description))).map((f) => `${f.path}: ${f.description}`)).toEqual([]);
  });
});

describe('page size rule when asked for 150', () => {
  let t: TestApp;
  let runId: string;
  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api' });
    const account = await seedAccount(t, 'page size', 'STOREFRONT');
    runId = (await seedRun(t, account.id, { status: 'PARTIAL' })).id;
    await t.app.services.prisma.syncLog.createMany({
      data: Array.from({ length: 150 }, (_, i) => ({ runId, accountId: account.id, level: 'ERROR' as const, message: `record ${i} failed`, createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)) })),
    });
  });
  afterAll(() => t?.close());

  it('a hand-built list (a run\'s errors) serves 100', async () => {
    const run = dataOf(await t.gql(`query($id: ID!) { syncRun(id: $id) { errors(first: 150) { message } } }`, { id: runId })).syncRun;
    expect(run.errors).toHaveLength(100);
    expect(run.errors[0].message).toBe('record 0 failed');
  });

  it('a connection (syncLogs) serves 100 and says more follow', async () => {
    const logs = dataOf(await t.gql(`{ syncLogs(first: 150) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`)).syncLogs;
    expect(logs.totalCount).toBe(150);
    expect(logs.edges).toHaveLength(100);
    expect(logs.pageInfo.hasNextPage).toBe(true);
  });
});
