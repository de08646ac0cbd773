import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { AppServices } from '../../core/services.js';
import { authenticate } from '../access/token.service.js';
import { roleAtLeast } from '../access/roles.js';
import { isUuid } from '../../core/ids.js';
import { findServableFile, openFile } from './file.store.js';
import { verifyFileLink } from './file-link.js';
import { requestUrl } from '../../http/request-url.js';

const PATH = /^\/files\/([^/]+)\/?$/;

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** A path segment decoded, or null when its percent-escapes are malformed (no file has such an id). */
function decodedOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * `GET /files/:id` (and HEAD): a task's file to any caller with a valid token (VIEWER or more), or
 * to anyone holding its signed link (`?expires=…&signature=…`, see file-link.ts). 401 without
 * either, 403 for a bad or expired signature, 404 for an unknown or expired file. Returns false
 * for any other path.
 */
export async function handleFileRequest(req: IncomingMessage, res: ServerResponse, services: AppServices): Promise<boolean> {
  const url = requestUrl(req);
  const match = PATH.exec(url.pathname);
  if (!match) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { error: 'Method not allowed' }, { allow: 'GET, HEAD' });
    return true;
  }
  if (url.searchParams.has('signature')) {
    if (!verifyFileLink(services, decodedOrNull(match[1]!) ?? '', url.searchParams)) {
      sendJson(res, 403, { error: 'This download link is invalid or has expired; ask for a new one.' });
      return true;
    }
  } else {
    const auth = await authenticate(services, req.headers.authorization);
    if (auth.kind !== 'ok') {
      const reason = auth.kind === 'invalid' ? auth.reason : 'Authentication required: send "Authorization: Bearer <token>", or use the file\'s downloadUrl';
      sendJson(res, 401, { error: reason }, { 'www-authenticate': 'Bearer' });
      return true;
    }
    if (!roleAtLeast(auth.actor.role, 'VIEWER')) {
      sendJson(res, 403, { error: 'Forbidden' });
      return true;
    }
  }
  const id = decodedOrNull(match[1]!);
  const file = id && isUuid(id) ? await findServableFile(services, id) : null;
  if (!file) {
    sendJson(res, 404, { error: 'No such file, or it has expired' });
    return true;
  }
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': String(file.size),
    'content-disposition': contentDisposition(file.filename),
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // A signed link must not leak onward through a Referer header.
    'referrer-policy': 'no-referrer',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  try {
    await pipeline(openFile(services, file), res);
  } catch (error) {
    // The client hung up, or the file vanished mid-read (expired): the status is already sent.
    services.logger.debug({ err: error, fileId: file.id }, 'file download ended early');
    res.destroy();
  }
  return true;
}
