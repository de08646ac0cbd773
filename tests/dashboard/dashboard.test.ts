/**
 * The dashboard over HTTP: `/` serves index.html naming the hashed bundle, assets come with their
 * content types and cache headers, nothing outside dist/dashboard/assets can be reached, unknown
 * assets are 404, other paths still reach the API, and an unbuilt dashboard answers 503.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, buildDashboard, describeSize, type DashboardBuild } from '../../scripts/build-dashboard.js';
import { createDashboardHandler } from '../../src/http/dashboard.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let built: DashboardBuild;

beforeAll(async () => {
  built = await buildDashboard();
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A request with the path sent exactly as given (fetch would normalise `..` away). */
function rawGet(base: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dashboard over HTTP', () => {
  it('serves index.html at / naming the hashed bundle and stylesheet, revalidated on every load', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(built.script).toMatch(/^main-[A-Z0-9]+\.js$/);
    expect(html).toContain(`<script type="module" src="/assets/${built.script}"></script>`);
    expect(html).toContain(`href="/assets/${built.stylesheet}"`);
    expect(html).toContain('<div id="app"></div>');
    // Every chunk the entry imports is named in the page, so it is fetched beside the entry.
    const entry = await (await fetch(`${t.url}/assets/${built.script}`)).text();
    const imported = [...entry.matchAll(/(?:from|import)"\.\/([\w-]+\.js)"/g)].map((m) => m[1]).sort();
    expect(imported.length).toBeGreaterThan(0);
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/assets\/([\w-]+\.js)" \/>/g)].map((m) => m[1]).sort();
    expect(preloaded).toEqual(expect.arrayContaining([...new Set(imported)]));
    for (const name of preloaded) expect((await fetch(`${t.url}/assets/${name}`)).status).toBe(200);

    const head = await fetch(`${t.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(html)));
    expect(await head.text()).toBe('');
  });

  it('serves the bundle as JavaScript, its source map and the stylesheet, cached as immutable', async () => {
    const js = await fetch(`${t.url}/assets/${built.script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const code = await js.text();
    expect(code.length).toBeGreaterThan(10_000);
    expect(js.headers.get('sourcemap')).toBe(`${built.script}.map`);

    const map = await fetch(`${t.url}/assets/${built.script}.map`);
    expect(map.status).toBe(200);
    expect(map.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await map.json()).sources.some((s: string) => s.endsWith('dashboard/src/main.tsx'))).toBe(true);

    const css = await fetch(`${t.url}/assets/${built.stylesheet}`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.progress');
  });

  it('refuses path traversal and answers 404 for unknown assets', async () => {
    for (const path of ['/assets/..%2f..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/..%5c..%5cpackage.json', '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/.env']) {
      const res = await rawGet(t.url, path);
      expect([400, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain('"name": "stockline"');
    }
    const unknown = await fetch(`${t.url}/assets/main-DOESNOTEXIST.js`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${t.url}/assets/`)).status).toBe(400);
    const post = await fetch(`${t.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('leaves every other path to the rest of the service', async () => {
    expect(dataOf(await t.gql('{ viewer { role } }')).viewer.role).toBe('ADMIN');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('answers 503 with a hint when the dashboard was not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'stockline-dashboard-'));
    const handler = createDashboardHandler(join(empty, 'missing'));
    const server: Server = createServer(async (req, res) => {
      if (!(await handler(req, res))) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('dashboard not built: run npm run build');
      expect((await fetch(`${base}/assets/main-X.js`)).status).toBe(503);
      expect((await fetch(`${base}/graphql`)).status).toBe(418);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('keeps the whole dashboard under its budget of minified JavaScript (250 kB), loads the other pages on demand, and says its size', async () => {
    const files = await readdir(join(built.outDir, 'assets'));
    const entry = await stat(join(built.outDir, 'assets', built.script));
    const scripts = files.filter((name) => name.endsWith('.js'));
    // Pages are chunks of their own: the first load is the entry (and what it imports), a part of the whole.
    expect(scripts.filter((name) => /^history-page-\w+\.js$/.test(name)).length).toBeGreaterThan(0);
    expect(built.scriptBytes).toBeGreaterThanOrEqual(entry.size);
    expect(built.scriptBytes).toBeLessThan(built.totalScriptBytes);
    expect(built.scriptGzipBytes).toBeLessThan(built.scriptBytes);
    expect(describeSize(built)).toMatch(/^JS \d+\.\d kB minified for the whole dashboard of the 250 kB budget; first load \d+\.\d kB \(\d+\.\d kB gzipped\); words ru \d+\.\d kB, ro \d+\.\d kB \(JSON, fetched for the chosen language\)$/);
    expect(built.totalScriptBytes, describeSize(built)).toBeLessThan(BUNDLE_BUDGET_BYTES);
  });

  it('serves the Russian and Romanian words as hashed JSON, named in the bundle, and not as code', async () => {
    const code = (await Promise.all(
      (await readdir(join(built.outDir, 'assets')))
        .filter((name) => name.endsWith('.js'))
        .map((name) => fetch(`${t.url}/assets/${name}`).then((res) => res.text())),
    )).join('\n');
    for (const [locale, { file, bytes }] of Object.entries(built.locales)) {
      expect(file).toMatch(new RegExp(`^${locale}-[0-9A-F]{10}\\.json$`));
      expect(code).toContain(`/assets/${file}`);
      const res = await fetch(`${t.url}/assets/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const words = await res.json();
      expect(Number(res.headers.get('content-length'))).toBe(bytes);
      expect(Object.keys(words)).toEqual(expect.arrayContaining(['shell', 'sign-in', 'overview', 'catalog']));
    }
    // The words of either language are in its JSON only: not one Russian navigation label in the scripts.
    const words = await (await fetch(`${t.url}/assets/${built.locales.ru.file}`)).json();
    expect(words.shell['nav.catalog']).toBe('Каталог');
    expect(code).not.toContain('Каталог');
  });

  // How fast it builds is the start bench's business (bench/first-start.sh), not a timed assertion here.
  it('leaves the same hashed names for the same sources', async () => {
    const again = await buildDashboard();
    expect(again.script).toBe(built.script);
    expect(again.stylesheet).toBe(built.stylesheet);
  });
});
