/**
 * Private-range targets are refused when WEBHOOK_ALLOW_PRIVATE_TARGETS is off (the default):
 * on create and update (literal addresses and hostnames, every resolved address checked), and
 * again at delivery time, on the address actually connected to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { createWorkCenter } from '../helpers/production.js';
import { refusedRange } from '../../src/modules/outbound/target-policy.js';
import { startReceiver, type Receiver } from './receiver.js';

const ERRORS = 'errors { code message field }';
let t: TestApp;
let r: Receiver;

beforeAll(async () => {
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' }, { webhookWorker: { pollMs: 100 } });
  r = await startReceiver();
});
afterAll(async () => {
  await t?.close();
  await r?.close();
});

const create = async (url: string, extra: Record<string, unknown> = {}) =>
  dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } secret ${ERRORS} } }`, { i: { url, ...extra } })).createWebhook;

describe('private targets', () => {
  it.each([
    ['loopback IPv4', 'http://127.0.0.1:8080/hook'],
    ['loopback IPv4 elsewhere in 127/8', 'http://127.9.9.9/hook'],
    ['private 10/8', 'http://10.1.2.3/hook'],
    ['private 172.16/12', 'https://172.20.0.5/hook'],
    ['private 192.168/16', 'http://192.168.1.10/hook'],
    ['link-local (cloud metadata)', 'http://169.254.169.254/latest/meta-data'],
    ['carrier-grade NAT', 'http://100.64.0.1/hook'],
    ['unspecified', 'http://0.0.0.0:3000/hook'],
    ['loopback IPv6', 'http://[::1]:8080/hook'],
    ['unique-local IPv6', 'http://[fd00::1]/hook'],
    ['link-local IPv6', 'http://[fe80::1]/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['a hostname resolving to loopback', 'http://localhost:8080/hook'],
  ])('refuses %s on create', async (_what, url) => {
    const result = await create(url);
    expect(result.webhook).toBeNull();
    expect(result.secret).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'TARGET_REFUSED', field: ['input', 'url'] })]);
  });

  it('names the range, accepts a public address, refuses a private one on update, and leaves nothing behind', async () => {
    const refused = await create('http://localhost:8080/hook');
    expect(refused.errors[0].message).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is in a loopback range/);
    expect(await t.app.services.prisma.webhookSubscription.count()).toBe(0);

    const ok = await create('http://93.184.215.14/hook', { active: false });
    expect(ok.errors).toEqual([]);
    const update = dataOf(
      await t.gql(`mutation($i: UpdateWebhookInput!) { updateWebhook(input: $i) { webhook { url } ${ERRORS} } }`, { i: { id: ok.webhook.id, url: 'http://10.0.0.1/x' } }),
    ).updateWebhook;
    expect(update.errors[0]).toMatchObject({ code: 'TARGET_REFUSED', field: ['input', 'url'] });
    const row = await t.app.services.prisma.webhookSubscription.findUniqueOrThrow({ where: { id: ok.webhook.id } });
    expect(row.url).toBe('http://93.184.215.14/hook');
    await t.app.services.prisma.webhookSubscription.deleteMany();
  });

  it('classifies addresses', () => {
    expect(refusedRange('8.8.8.8')).toBeNull();
    expect(refusedRange('2606:4700:4700::1111')).toBeNull();
    expect(refusedRange('::ffff:10.0.0.1')).toBe('private');
    expect(refusedRange('::')).toBe('unspecified');
  });

  it('checks again at delivery time: a target that became private is not contacted', async () => {
    // As if DNS had changed after creation: rows that would be refused today.
    const prisma = t.app.services.prisma;
    const port = new URL(r.url).port;
    const sealed = t.app.services.cipher.encrypt({ secret: 'a-secret-of-at-least-24-chars' });
    const literal = await prisma.webhookSubscription.create({ data: { url: `${r.url}/literal`, events: ['work_center.created'], secretEncrypted: sealed, retryCount: 0 } });
    const named = await prisma.webhookSubscription.create({ data: { url: `http://localhost:${port}/named`, events: ['work_center.created'], secretEncrypted: sealed, retryCount: 0 } });
    await createWorkCenter(t);
    const failed = await waitFor(
      async () => {
        const rows = await prisma.webhookDelivery.findMany({ where: { status: 'DEAD' } });
        return rows.length === 2 ? rows : null;
      },
      { what: 'both deliveries to be refused' },
    );
    const bySub = new Map(failed.map((d) => [d.subscriptionId, d]));
    expect(bySub.get(literal.id)!.error).toMatch(/^target refused: 127\.0\.0\.1 is in a loopback range/);
    expect(bySub.get(named.id)!.error).toMatch(/localhost resolves to .*loopback range/);
    expect(r.received).toHaveLength(0);
  });
});
