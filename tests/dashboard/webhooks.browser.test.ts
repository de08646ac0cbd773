/**
 * #/webhooks and #/tokens in Chromium against the real service and a real receiver: an ADMIN
 * creates a webhook (its secret shown once, copied with the button, and it signs what the
 * receiver gets), sees a delivery arrive live and redelivers it, sets and then clears the rate
 * limit and contact, rotates the secret and deletes the webhook; creates an API token (shown once,
 * it works) and revokes it (refused from then on). An OPERATOR is not offered either page.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { waitFor } from '../helpers/catalog.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { registerSecrets } from '../helpers/secret-audit.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { checkPage, launchBrowser, newPage, signIn, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;
let receiver: Receiver;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }, { webhookWorker: { baseDelayMs: 150, pollMs: 100, random: () => 0.5 } });
  receiver = await startReceiver();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await receiver?.close();
});

const WEBHOOK = `query($id: ID!) { webhook(id: $id) { maxPerSecond contactEmail events ordered deadLetterPolicy } }`;

async function adminPage(path: string) {
  const { page, pageErrors } = await openSignedIn(browser, `${t.url}/${path}`, t.adminToken, { acceptDialogs: true });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  return { page, pageErrors };
}

/** The secret the page shows once, and what the copy button put on the clipboard. */
async function shownSecret(page: Page, label: string) {
  const value = (await page.locator(`code[data-secret-label="${label}"]`).textContent())!;
  registerSecrets([value]);
  await page.getByRole('button', { name: `Copy ${label}` }).click();
  await page.getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(value);
  return value;
}

describe('webhooks and tokens pages', () => {
  it('creates a webhook (secret once), sees a delivery live, redelivers, edits, rotates and deletes it', async () => {
    const { page, pageErrors } = await adminPage('#/webhooks');
    const url = `${receiver.url}/orders-feed`;
    await page.getByRole('button', { name: 'New webhook' }).click();
    await page.getByLabel('Target URL').fill(url);
    await page.getByLabel('batch.created', { exact: true }).check();
    await page.getByLabel('Description').fill('production feed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const secret = await shownSecret(page, 'Secret (HMAC-SHA256, X-Webhook-Signature)');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.locator('code[data-secret-label]').count()).toBe(0);
    const id = (await page.locator('tr[data-webhook-id]').filter({ hasText: url }).getAttribute('data-webhook-id'))!;

    // An event while the page is open: the delivery shows up by itself, signed with that secret.
    const workCenter = await createWorkCenter(t);
    await createBatch(t, batchInput(workCenter.id));
    const delivered = page.locator('li.delivery[data-status="SUCCESS"]').filter({ hasText: 'batch.created' });
    await delivered.waitFor();
    const request = receiver.on('/orders-feed')[0]!;
    const signed = createHmac('sha256', secret).update(`${String(request.headers['x-webhook-timestamp'])}.${request.body}`).digest('hex');
    expect(request.headers['x-webhook-signature']).toBe(`sha256=${signed}`);

    await delivered.getByRole('button', { name: /^Redeliver/ }).click();
    await waitFor(async () => (await page.locator('li.delivery[data-status="SUCCESS"]').count()) === 2, { what: 'the redelivery on screen' });
    expect(receiver.on('/orders-feed')).toHaveLength(2);

    // The newer settings: set, shown, then cleared (empty fields send null).
    await page.getByRole('button', { name: `Edit webhook ${url}` }).click();
    await page.getByLabel('At most N requests per second').fill('5');
    await page.getByLabel('Mail when disabled').fill('ops@example.com');
    await page.getByRole('combobox', { name: 'After a delivery gives up' }).selectOption('HOLD');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator(`tr[data-webhook-id="${id}"]`).filter({ hasText: 'at most 5/s' }).filter({ hasText: 'contact ops@example.com' }).waitFor();
    expect(dataOf(await t.gql(WEBHOOK, { id })).webhook).toEqual({ maxPerSecond: 5, contactEmail: 'ops@example.com', events: ['batch.created'], ordered: true, deadLetterPolicy: 'HOLD' });
    await page.getByRole('button', { name: `Edit webhook ${url}` }).click();
    await page.getByLabel('At most N requests per second').fill('');
    await page.getByLabel('Mail when disabled').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook saved.' }).waitFor();
    expect(dataOf(await t.gql(WEBHOOK, { id })).webhook).toMatchObject({ maxPerSecond: null, contactEmail: null });

    await page.getByRole('button', { name: `Rotate secret of ${url}` }).click();
    const rotated = await shownSecret(page, 'Secret (HMAC-SHA256, X-Webhook-Signature)');
    expect(rotated).not.toBe(secret);
    await checkPage(page, 'webhooks');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    expect(await page.locator('code[data-secret-label]').count()).toBe(0);

    await page.getByRole('button', { name: `Delete webhook ${url}` }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook deleted.' }).waitFor();
    expect(dataOf(await t.gql(WEBHOOK, { id })).webhook).toBeNull();
    expect(pageErrors).toEqual([]);
    // A long flow (about 30 s on PostgreSQL; PGlite on a loaded machine takes longer).
  }, 150_000);

  it('creates an API token shown once that works, then revokes it', async () => {
    const { page, pageErrors } = await adminPage('#/tokens');
    await page.getByLabel('Name (who or what will use it)').fill('Warehouse scanner');
    await page.getByRole('combobox', { name: 'Role' }).selectOption('OPERATOR');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = await shownSecret(page, 'Token');
    expect(dataOf(await t.gql('{ viewer { name role } }', {}, token)).viewer).toEqual({ name: 'Warehouse scanner', role: 'OPERATOR' });
    const row = page.locator('tr[data-token-id]').filter({ hasText: 'Warehouse scanner' });
    expect(await row.locator('code').textContent()).toBe(`${token.slice(0, (await row.locator('code').textContent())!.length - 1)}…`);
    await checkPage(page, 'tokens');

    await page.getByRole('button', { name: 'Revoke token Warehouse scanner' }).click();
    await page.getByRole('status').filter({ hasText: 'Token Warehouse scanner revoked.' }).waitFor();
    const refused = await t.gql('{ viewer { name } }', {}, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(pageErrors).toEqual([]);
  });

  it('offers an OPERATOR neither page', async () => {
    const page = await newPage(browser);
    await page.goto(`${t.url}/#/tokens`);
    await signIn(page, await t.tokenFor('OPERATOR'));
    await page.getByRole('link', { name: 'Schedules' }).waitFor();
    expect(await page.getByRole('link', { name: /Webhooks|API tokens/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create token' }).count()).toBe(0);
  });
});
