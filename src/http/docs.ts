/**
 * The static API reference (scripts/build-docs.ts writes it into dist/docs at `npm run build`):
 * `GET /docs` is its index, `/docs/<section>/<kind>/<name>` a page, `/docs/docs.css` its styles.
 * Pages are HTML without scripts. Paths are lowercase words and dashes only, so nothing outside
 * the folder (an encoded slash, `..`) is ever looked up.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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
    const path = file && join(dir, file);
    if (!path || !(await isFile(path))) {
      send(res, 404, 'text/plain; charset=utf-8', 'no such page in the API reference (see /docs)');
      return true;
    }
    const { size } = await stat(path);
    res.writeHead(200, {
      'content-type': file!.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': String(size),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
    return true;
  };
}

export const handleDocs: DocsHandler = createDocsHandler();

async function isFile(path: string) {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ?? false;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'x-content-type-options': 'nosniff', ...headers }).end(body);
}
