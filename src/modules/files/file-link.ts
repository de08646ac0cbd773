/**
 * Short-lived signed download links: `/files/<id>?expires=<unix seconds>&signature=<hex>`, an
 * HMAC-SHA256 of the file id and the expiry under a key derived from CREDENTIALS_KEY (the same on
 * every instance). A browser, a mail or curl can fetch the file by a plain link, and no API token
 * is ever put in a URL (where proxies and access logs would keep it); a leaked link opens one file
 * for at most FILE_LINK_TTL_SECONDS.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppServices } from '../../core/services.js';
import { fileUrl } from './file.store.js';

/** How long a signed link works after it was read: 5 minutes. */
export const FILE_LINK_TTL_SECONDS = 300;

const keyOf = (services: Pick<AppServices, 'cipher'>) => services.cipher.deriveKey('file download links');
const sign = (services: Pick<AppServices, 'cipher'>, fileId: string, expires: number) => createHmac('sha256', keyOf(services)).update(`${fileId}.${expires}`).digest('hex');

/** The signed link of a file, valid FILE_LINK_TTL_SECONDS from `now`. */
export function signedFileUrl(services: AppServices, fileId: string, origin: string | null, now = new Date()): string {
  const expires = Math.floor(now.getTime() / 1000) + FILE_LINK_TTL_SECONDS;
  return `${fileUrl(services, fileId, origin)}?expires=${expires}&signature=${sign(services, fileId, expires)}`;
}

/** Whether the link's expiry and signature are this file's and still valid. */
export function verifyFileLink(services: Pick<AppServices, 'cipher'>, fileId: string, params: URLSearchParams, now = Date.now()): boolean {
  const expiresText = params.get('expires') ?? '';
  const signature = params.get('signature') ?? '';
  if (!/^\d{1,12}$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(signature)) return false;
  const expires = Number(expiresText);
  if (expires * 1000 <= now) return false;
  return timingSafeEqual(Buffer.from(sign(services, fileId, expires), 'hex'), Buffer.from(signature, 'hex'));
}
