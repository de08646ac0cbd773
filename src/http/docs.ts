/**
 * The static API reference (scripts/build-docs.ts writes it into dist/docs at `npm run build`):
 * `GET /docs` is its index, `/docs/<section>/<kind>/<name>` a page, `/docs/docs.css` its styles.
 * Pages are HTML without scripts. Paths are lowercase words and dashes only, so nothing outside
 * the folder (an encoded slash, `..`) is ever looked up.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { requestUrl } from './request-url.js';

export const DOCS_DIR = join(import.meta.dirname, '..', '..', 'dist', 'docs');
const PREFIX = '/docs';
const PAGE_PATH = /^(?:[a-z0-9][a-z0-9-]*\/){0,3}[a-z0-9][a-z0-9-]*$/;
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export type DocsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export function createDocsHandler(dir: string = DOCS_DIR): DocsHandler {
  return async (req, res) => {
    const { pathname } = requestUrl(req);
    if (pathname !== PREFIX && !pathname.startsWith(`${PREFIX}/`)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'use GET', { allow: 'GET, HEAD' });
      return true;
    }
    const rest = pathname.slice(PREFIX.length + 1).replace(/\/$/, '');
    if (!(await isFile(join(dir, 'index.html')))) {
      send(res, 503, 'text/plain; charset=utf-8', 'API reference not built: run npm run build', { 'retry-after': '5' });
      return true;
    }
    const file = rest === '' ? 'index.html' : rest === 'docs.css' ? 'docs.css' : PAGE_PATH.test(rest) ? `${rest}.html` : null;
    const page = file ? await openPage(dir, file) : 'missing';
    if (page === 'replacing') {
      send(res, 503, 'text/plain; charset=utf-8', 'API reference being replaced: retry', { 'retry-after': '1' });
      return true;
    }
    if (page === 'missing') {
      send(res, 404, 'text/plain; charset=utf-8', 'no such page in the API reference (see /docs)');
      return true;
    }
    res.writeHead(200, {
      'content-type': file!.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': String(page.size),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    if (req.method === 'HEAD') {
      await page.handle.close();
      res.end();
    } else {
      // From the file opened above: the tree may be renamed or removed meanwhile, the open file stays whole.
      await pipeline(page.handle.createReadStream(), res).catch(() => res.destroy());
    }
    return true;
  };
}

export const handleDocs: DocsHandler = createDocsHandler();

/**
 * `file` of the reference opened, or why not. A page is missing for an instant while a new
 * reference is put in place (build-docs' two renames): then the index is gone too ('replacing'),
 * and once it is back the page is looked for again, in the new tree.
 */
async function openPage(dir: string, file: string): Promise<{ handle: FileHandle; size: number } | 'missing' | 'replacing'> {
  const page = await openFile(join(dir, file));
  if (page) return page;
  if (!(await isFile(join(dir, 'index.html')))) return 'replacing';
  return (await openFile(join(dir, file))) ?? 'missing';
}

/** A regular file opened for reading, with its size; null when there is none at `path`. */
async function openFile(path: string): Promise<{ handle: FileHandle; size: number } | null> {
  const handle = await open(path).catch(() => null);
  const info = await handle?.stat().catch(() => null);
  if (handle && info?.isFile()) return { handle, size: info.size };
  await handle?.close();
  return null;
}

async function isFile(path: string) {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ?? false;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', ...headers }).end(body);
}
