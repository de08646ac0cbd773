/**
 * #/files in Chromium against the real service, as an OPERATOR: an export of the closed batches
 * followed live to its end and downloaded through its plain link (a browser download and a fetch
 * without any token, both parsed), an import of an edited copy with one bad row (created, updated
 * and the refused row shown), and a PDF report of one batch; the list shows the service's newest
 * tasks, also those started elsewhere (through the API, before the page was opened).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { buildDashboard } from '../../scripts/build-dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { checkPage, launchBrowser, openSignedIn } from './page-checks.js';

let browser: Browser;
let t: TestApp;

beforeAll(async () => {
  await buildDashboard();
  browser = await launchBrowser();
  t = await startTestApp();
  const workCenter = await createWorkCenter(t);
  for (const batchNumber of [301, 302, 303]) await createBatch(t, batchInput(workCenter.id, { batchNumber, closed: batchNumber !== 303 }));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const csvRows = (text: string) => parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

describe('files page', () => {
  it('exports, downloads by a plain link, imports with a row report, and generates a report', async () => {
    // A task started elsewhere (the API, another browser) before the page was opened.
    const elsewhere = dataOf(await t.gql('mutation { exportBatches(input: { format: CSV, filter: { closed: false } }) { task { id } errors { code } } }')).exportBatches;
    expect(elsewhere.errors).toEqual([]);

    const { page, pageErrors } = await openSignedIn(browser, `${t.url}/#/files`, await t.tokenFor('OPERATOR'));
    const elsewhereRow = page.locator(`tr[data-task-id="${elsewhere.task.id}"]`);
    await elsewhereRow.filter({ hasText: 'Batch export' }).filter({ hasText: '1 row' }).waitFor();
    expect(await elsewhereRow.getByRole('link', { name: /^Download .*\.csv$/ }).count()).toBe(1);

    // Export the closed batches as CSV; the task is followed to its end.
    await page.getByRole('combobox', { name: 'Status' }).selectOption('closed');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const exportRow = page.locator('tr[data-task-id][data-status="SUCCESS"]').filter({ hasText: 'Batch export' }).filter({ hasText: '2 rows' });
    await exportRow.waitFor();
    const link = exportRow.getByRole('link', { name: /^Download / });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/\/files\/[0-9a-f-]{36}\?expires=\d+&signature=[0-9a-f]{64}$/);

    // Through the browser, as a user clicks it…
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const clicked = csvRows(await readFile((await download.path())!, 'utf8'));
    expect(clicked.map((r) => r.batchNumber).sort()).toEqual(['301', '302']);
    // …and by the plain link alone (no token anywhere).
    const fetched = await fetch(href);
    expect(fetched.status).toBe(200);
    const rows = csvRows(await fetched.text());
    expect(rows).toEqual(clicked);

    // Import an edited copy: one batch changed, one new, one with a bad date.
    const header = Object.keys(rows[0]!);
    const edited = [
      { ...rows[0]!, nomenclature: 'Renamed nomenclature' },
      { ...rows[1]!, batchNumber: '304' },
      { ...rows[1]!, batchNumber: '305', batchDate: 'not a date' },
    ];
    await page.locator('input[type="file"]').setInputFiles({ name: 'batches.csv', mimeType: 'text/csv', buffer: Buffer.from(stringify(edited, { header: true, columns: header })) });
    await page.getByLabel('Update batches whose number and date already exist').check();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const importRow = page.locator('tr[data-task-id][data-status="SUCCESS"]').filter({ hasText: 'Batch import' });
    await importRow.locator('.import-summary').filter({ hasText: 'created 1, updated 1, failed 1' }).waitFor();
    expect(await importRow.locator('.row-errors li').allTextContents()).toEqual([expect.stringMatching(/^row 4, batchDate: /)]);
    const numbers = dataOf(await t.gql('{ batches(first: 50) { edges { node { batchNumber nomenclature } } } }')).batches.edges.map((e: { node: { batchNumber: number; nomenclature: string } }) => e.node);
    expect(numbers.map((b: { batchNumber: number }) => b.batchNumber).sort()).toEqual([301, 302, 303, 304]);
    expect(numbers.find((b: { batchNumber: number }) => b.batchNumber === Number(rows[0]!.batchNumber)).nomenclature).toBe('Renamed nomenclature');

    // A PDF report of one batch.
    await page.getByRole('button', { name: 'Generate report' }).click();
    const reportRow = page.locator('tr[data-task-id][data-status="SUCCESS"]').filter({ hasText: 'Batch report' });
    const reportLink = reportRow.getByRole('link', { name: /^Download .*\.pdf$/ });
    await reportLink.waitFor();
    const pdf = await fetch((await reportLink.getAttribute('href'))!);
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    await checkPage(page, 'files');
    // The list is the service's: newest first, a reload lists the same four tasks.
    const listed = () => page.locator('tr[data-task-id]').evaluateAll((rows) => rows.map((row) => [row.getAttribute('data-task-id'), row.getAttribute('data-status')]));
    const before = await listed();
    expect(before).toHaveLength(4);
    expect(before[3]).toEqual([elsewhere.task.id, 'SUCCESS']);
    await page.reload();
    await page.locator('tr[data-task-id][data-status="SUCCESS"]').nth(3).waitFor();
    expect(await listed()).toEqual(before);
    expect(pageErrors).toEqual([]);
  });
});
