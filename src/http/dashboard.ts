/**
 * The operator dashboard (built by dashboard.build.ts into dist/dashboard): `GET /` is
 * index.html, `GET /assets/<name>` its content-hashed bundle, source map and stylesheet. Routing
 * inside the dashboard is by URL hash, so these are the only paths it needs.
 *
 * index.html is revalidated on every load (it names the current build); assets never change under
 * their hashed names, so they are cached for a year. Asset names are a single path segment of
 * plain characters: anything else (an encoded slash, `..`) is refused before touching the disk.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { requestUrl } from './request-url.js';

export const DASHBOARD_DIR = join(import.meta.dirname, '..', '..', 'dist', 'dashboard');
const ASSET_PREFIX = '/assets/';
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// The page talks only to its own origin (HTTP and the graphql-ws socket) and runs no inline code.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** A handler serving the build in `dir` (tests point it at their own build). */
export function createDashboardHandler(dir: string = DASHBOARD_DIR): DashboardHandler {
  return async (req, res) => {
    const { pathname } = requestUrl(req);
    const isIndex = pathname === '/' || pathname === '/index.html';
    if (!isIndex && !pathname.startsWith(ASSET_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'use GET', { allow: 'GET, HEAD' });
      return true;
    }
    const index = join(dir, 'index.html');
    if (!(await isFile(index))) {
      sendText(res, 503, 'dashboard not built: run npm run build', { 'retry-after': '5' });
      return true;
    }
    if (isIndex) {
      await sendFile(req, res, index, { 'cache-control': 'no-cache', 'content-security-policy': CONTENT_SECURITY_POLICY, 'referrer-policy': 'no-referrer' });
      return true;
    }

    let name: string;
    try {
      name = decodeURIComponent(pathname.slice(ASSET_PREFIX.length));
    } catch {
      sendText(res, 400, 'bad asset name');
      return true;
    }
    if (!ASSET_NAME.test(name) || name.includes('..')) {
      sendText(res, 400, 'bad asset name');
      return true;
    }
    const file = join(dir, 'assets', name);
    if (!(await isFile(file))) {
      sendText(res, 404, 'no such asset');
      return true;
    }
    // A script names its source map in the SourceMap header (read by browsers' developer tools)
    // rather than in a comment in each of its chunks: the bytes every user downloads stay code.
    const headers: Record<string, string> = { 'cache-control': 'public, max-age=31536000, immutable' };
    if (name.endsWith('.js') && (await isFile(`${file}.map`))) headers.sourcemap = `${name}.map`;
    await sendFile(req, res, file, headers);
    return true;
  };
}

export const handleDashboard: DashboardHandler = createDashboardHandler();

async function isFile(path: string) {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ?? false;
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>) {
  const { size } = await stat(path);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'content-length': String(size),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(path);
    stream.on('error', (error) => {
      res.destroy(error);
      reject(error);
    });
    res.on('close', resolve);
    stream.pipe(res);
  });
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}
