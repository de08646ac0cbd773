/**
 * GraphiQL as a new user meets it, in Debian's Chromium with every request to anything but this
 * machine blocked: the page loads from the service's own assets, the docs explorer shows the schema
 * before any token is given, the token typed once into the Headers editor is kept across a reload,
 * the README's mutation runs as written, and a `syncProgress` subscription typed into the editor
 * receives the events of a sync.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFastSimulator } from '../../src/simulators/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { createSimAccount, waitFor } from '../helpers/catalog.js';
import { trigger, waitForRun } from '../helpers/sync.js';
import { waitForSubscriptions } from '../helpers/ws-client.js';

const README_MUTATION = 'mutation { createWorkCenter(input: { identifier: "WC-1", name: "Line 1" }) { workCenter { id } errors { code message field } } }';

let browser: Browser;
let t: TestApp;
let sim: Simulator;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  t = await startTestApp();
  // Latency on every page, so the run lasts long enough to stream several events.
  sim = await startFastSimulator('STOREFRONT', { offers: 600, seed: 16, faults: { latencyMs: 100 } });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await sim?.stop();
});

/** Replaces the whole text of the Monaco editor in `container`. */
async function setEditor(page: Page, container: string, text: string) {
  await page.locator(`${container} .monaco-editor`).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  // Monaco still closes the brackets and quotes it saw opened: drop whatever follows the text.
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
}

const resultText = (page: Page) => page.locator('section.result-window').innerText();
const HEADERS_EDITOR = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden)';

describe('GraphiQL', () => {
  it('works offline: schema docs without a token, the token kept once typed, the README mutation and a live syncProgress subscription', async () => {
    const context = await browser.newContext();
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Every graphql-ws `next` message the page receives: the subscription's events as GraphiQL got them.
    const nextFrames: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const text = String(payload);
        if (text.includes('"type":"next"')) nextFrames.push(text);
      }),
    );

    await page.goto(`${t.url}/graphql`);
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });

    // The schema loaded with no token (introspection is not refused for want of one): the docs show the root types.
    await page.getByLabel('Show Documentation Explorer').click();
    const docs = await waitFor(async () => {
      const text = await page.locator('.graphiql-doc-explorer').innerText().catch(() => '');
      return text.includes('Mutation') ? text : null;
    }, { timeoutMs: 15_000, what: 'the docs explorer to show the schema' });
    expect(docs).toContain('Subscription');

    const headers = JSON.stringify({ Authorization: `Bearer ${t.adminToken}` });
    await setEditor(page, HEADERS_EDITOR, headers);
    // GraphiQL stores its editors in localStorage a moment after the last keystroke.
    await waitFor(() => page.evaluate((text) => Object.values(localStorage).some((v) => v.includes(JSON.stringify(text).slice(1, -1)) || v.includes(text)), headers), {
      what: 'the headers to be stored',
    });
    // Kept by the browser: after a reload the Headers editor still holds it.
    await page.reload();
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
    await waitFor(async () => (await page.locator(HEADERS_EDITOR).innerText()).includes('Bearer'), { what: 'the token to be kept across a reload' });

    await setEditor(page, 'section.graphiql-query-editor', README_MUTATION);
    await page.locator('.graphiql-execute-button').click();
    const created = await waitFor(async () => ((await resultText(page)).includes('"workCenter"') ? resultText(page) : null), { timeoutMs: 15_000, what: 'the mutation result' });
    expect(created).toMatch(/"errors":\s*\[\s*\]/);
    const stored = dataOf(await t.gql('{ workCenters(first: 10) { edges { node { identifier } } } }'));
    expect(stored.workCenters.edges.map((e: any) => e.node.identifier)).toContain('WC-1');

    const accountId = await createSimAccount(t, sim);
    await setEditor(page, 'section.graphiql-query-editor', `subscription { syncProgress(accountId: "${accountId}") { status pagesDone percent } }`);
    await page.locator('.graphiql-execute-button').click();
    // Subscribed once the socket carried the operation
    await waitFor(() => page.locator('.graphiql-execute-button[aria-label*="Stop"]').count(), { timeoutMs: 15_000, what: 'the subscription to be sent' });
    // and runs on the server, listening before the sync publishes its progress.
    await waitForSubscriptions(t, 1);
    const before = nextFrames.length;
    const { runs } = await trigger(t, { accountIds: [accountId], scope: 'PRODUCTS', mode: 'FULL' });
    await waitForRun(t, runs[0].id);
    await waitFor(() => nextFrames.length - before >= 2, { timeoutMs: 15_000, what: 'two syncProgress events in the page' });
    expect(nextFrames.slice(before).every((f) => f.includes('syncProgress'))).toBe(true);
    await waitFor(async () => (await resultText(page)).includes('SUCCESS'), { timeoutMs: 15_000, what: 'the final status in the result pane' });

    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
