/** The catalog and orders pages' CSV export, as a user gets it: the button, the link, the downloaded file. */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';

/** Clicks "Export CSV", waits for the file and parses the download. */
export async function downloadCsv(page: Page): Promise<Record<string, string>[]> {
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const link = page.getByRole('link', { name: /^Download .*\.csv/ });
  await link.waitFor({ timeout: 20_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const text = await readFile((await download.path())!, 'utf8');
  return parse(text, { columns: true, bom: true }) as Record<string, string>[];
}

