import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/event-types.js';
import type { Order } from '../../src/generated/prisma/client.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, ERRORS, pushRoundsDone, waitFor } from '../helpers/catalog.js';

const STATUS = `mutation($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { order { id status remoteOrderStatus statusEditedAt } ${ERRORS} } }`;

let t: TestApp;
let sim: Simulator;
let accountId: string;
let operator: string;
let viewer: string;
const orders: Order[] = [];

beforeAll(async () => {
  sim = await startFastSimulator('STOREFRONT', { offers: 10, seed: 5 });
  t = await startTestApp({}, { pushWorker: { pollMs: 50 } });
  operator = await t.tokenFor('OPERATOR');
  viewer = await t.tokenFor('VIEWER');
  accountId = await createSimAccount(t, sim);
  for (let i = 0; i < 3; i++) {
    orders.push(
      await t.app.services.prisma.order.create({
        data: {
          accountId,
          externalId: `ORD-${i + 1}`,
          status: 'NEW',
          remoteOrderStatus: 'NEW',
          remoteStatus: 'pending',
          total: '120.00',
          currency: 'RON',
          placedAt: new Date(Date.now() - 3_600_000),
          items: { create: [{ position: 1, sku: sim.catalog.get(i).sku, externalProductId: String(i + 1), quantity: 2, price: '60.00' }] },
        },
      }),
    );
  }
});
afterAll(async () => {
  await t?.close();
  await sim?.stop();
});

const prisma = () => t.app.services.prisma;
const snapshot = async () => ({
  orders: await prisma().order.findMany({ orderBy: { id: 'asc' } }),
  changes: await prisma().changeRecord.count(),
  jobs: await prisma().pushJob.count(),
});

describe('updateOrderStatus', () => {
  it('sets the status locally, records it, emits order.status_changed and pushes nothing', async () => {
    const order = orders[0]!;
    const events: DomainEvent[] = [];
    const iterator = t.app.services.events.subscribe(['order.status_changed']);
    void (async () => {
      for await (const event of iterator) events.push(event);
    })();
    const requests = sim.stats().requests;

    const r = dataOf(await t.gql(STATUS, { input: { orderId: order.id, status: 'PROCESSING' } }, operator)).updateOrderStatus;
    expect(r).toMatchObject({ errors: [], order: { id: order.id, status: 'PROCESSING', remoteOrderStatus: 'NEW' } });
    expect(r.order.statusEditedAt).not.toBeNull();
    expect(await prisma().changeRecord.findMany({ where: { entityId: order.id } })).toMatchObject([
      { entityType: 'Order', field: 'status', oldValue: 'NEW', newValue: 'PROCESSING', actor: 'test OPERATOR', source: 'USER' },
    ]);
    await waitFor(() => events.length > 0);
    void iterator.return(undefined);
    expect(events).toMatchObject([
      {
        type: 'order.status_changed',
        actor: 'test OPERATOR',
        payload: { orderId: order.id, accountId, externalId: 'ORD-1', oldStatus: 'NEW', newStatus: 'PROCESSING', source: 'USER' },
      },
    ]);
    await pushRoundsDone(t);
    expect(sim.stats().requests).toBe(requests);
    expect(await prisma().pushJob.count()).toBe(0);
  });

  it("clears the edit marker when set back to the marketplace's status; the same status is a no-op", async () => {
    const order = orders[1]!;
    await t.gql(STATUS, { input: { orderId: order.id, status: 'CANCELLED' } }, operator);
    const back = dataOf(await t.gql(STATUS, { input: { orderId: order.id, status: 'NEW' } }, operator)).updateOrderStatus;
    expect(back).toMatchObject({ errors: [], order: { status: 'NEW', statusEditedAt: null } });
    const before = await snapshot();
    const same = dataOf(await t.gql(STATUS, { input: { orderId: order.id, status: 'NEW' } }, operator)).updateOrderStatus;
    expect(same).toMatchObject({ errors: [], order: { status: 'NEW' } });
    expect(await snapshot()).toEqual(before);

    const history = dataOf(await t.gql(`query($id: ID!) { order(id: $id) { changes { field oldValue newValue actor source } } }`, { id: order.id }, viewer)).order;
    expect(history.changes).toEqual([
      { field: 'status', oldValue: 'CANCELLED', newValue: 'NEW', actor: 'test OPERATOR', source: 'USER' },
      { field: 'status', oldValue: 'NEW', newValue: 'CANCELLED', actor: 'test OPERATOR', source: 'USER' },
    ]);
  });

  it('refuses unknown and malformed ids, and VIEWERs, changing nothing', async () => {
    const before = await snapshot();
    const missing = dataOf(await t.gql(STATUS, { input: { orderId: randomUUID(), status: 'SHIPPED' } }, operator)).updateOrderStatus;
    expect(missing).toMatchObject({ order: null, errors: [{ code: 'NOT_FOUND', field: ['input', 'orderId'] }] });
    const malformed = dataOf(await t.gql(STATUS, { input: { orderId: 'ORD-1', status: 'SHIPPED' } }, operator)).updateOrderStatus;
    expect(malformed).toMatchObject({ order: null, errors: [{ code: 'VALIDATION', field: ['input', 'orderId'] }] });
    const badStatus = await t.gql(STATUS, { input: { orderId: orders[2]!.id, status: 'LOST' } }, operator);
    expect(badStatus.errors?.length).toBeGreaterThan(0);
    const forbidden = await t.gql(STATUS, { input: { orderId: orders[2]!.id, status: 'SHIPPED' } }, viewer);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await snapshot()).toEqual(before);
  });
});
