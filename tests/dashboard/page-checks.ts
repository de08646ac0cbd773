/**
 * What every dashboard page must pass, for the browser tests of each page: no serious or critical
 * accessibility violation (axe-core, WCAG 2.1 A/AA rules) and a full-page screenshot at the office
 * width (1400 px) and the phone width (390 px) in tests/artifacts/screenshots/.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'artifacts', 'screenshots');
export const WIDE = { width: 1400, height: 900 };
export const NARROW = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}

/** A page in its own context (axe needs one; it opens a second page there to finish its run). */
export async function newPage(browser: Browser, viewport = WIDE): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

export async function signIn(page: Page, token: string) {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A new page at `url`, signed in with `token`; `pageErrors` collects uncaught page errors (a flow
 * ends asserting there were none). Confirmation dialogs are accepted when `acceptDialogs` is set.
 */
export async function openSignedIn(browser: Browser, url: string, token: string, { acceptDialogs = false } = {}) {
  const page = await newPage(browser);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  if (acceptDialogs) page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await signIn(page, token);
  return { page, pageErrors };
}

/** The serious and critical axe violations on the page as it is now, one line each (empty when none). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

/**
 * Asserts the page (already showing what `name` names) has no serious or critical violation and
 * saves its screenshots at both widths; the viewport is restored afterwards.
 */
export async function checkPage(page: Page, name: string) {
  expect(await accessibilityViolations(page), `accessibility of ${name}`).toEqual([]);
  const before = page.viewportSize() ?? WIDE;
  for (const [suffix, size] of [['', WIDE], ['-390', NARROW]] as const) {
    await page.setViewportSize(size);
    const path = join(SCREENSHOTS, `${name}${suffix}.png`);
    await page.screenshot({ path, fullPage: true });
    expect((await stat(path)).size).toBeGreaterThan(1000);
  }
  await page.setViewportSize(before);
}
