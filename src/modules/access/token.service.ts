import { isUniqueViolation } from '../../db/errors.js';
import { hash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient, Role } from '../../generated/prisma/client.js';
import type { Actor, AppServices } from '../../core/services.js';
import { accessError, tokenNotFound } from './token.errors.js';

const TOKEN_PREFIX = 'stk_';

/** Every request with a token hashes it: the one-shot hash is about 5x cheaper than a Hash object. */
export function hashToken(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function generateSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export const createTokenInput = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  role: z.enum(['VIEWER', 'OPERATOR', 'ADMIN']),
  expiresAt: z
    .date()
    .refine((d) => d.getTime() > Date.now(), 'expiresAt must be in the future')
    .nullish(),
});

/** Creates a token; the secret is returned here and never again (only its hash is stored). */
export async function createToken(services: AppServices, raw: z.input<typeof createTokenInput>, secret = generateSecret()) {
  const input = createTokenInput.parse(raw);
  const apiToken = await services.prisma.apiToken.create({
    data: { name: input.name, role: input.role, tokenHash: hashToken(secret), prefix: secret.slice(0, 10), expiresAt: input.expiresAt ?? null },
  });
  return { apiToken, secret };
}

export async function revokeToken(services: AppServices, actor: Actor, id: string) {
  if (!z.uuid().safeParse(id).success) throw tokenNotFound(id);
  if (id === actor.tokenId) throw accessError('CANNOT_REVOKE_SELF', 'A token cannot revoke itself; use another ADMIN token', ['input', 'id']);
  const updated = await services.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  const token = await services.prisma.apiToken.findUnique({ where: { id } });
  if (!token) throw tokenNotFound(id);
  if (updated.count === 0) throw accessError('ALREADY_REVOKED', 'This token is already revoked', ['input', 'id']);
  // Refused from the next request on: here at once, on the other instances when the event arrives.
  services.tokens?.evict(id);
  services.events.publishTokenRevoked(id);
  return token;
}

export type AuthResult = { kind: 'anonymous' } | { kind: 'invalid'; reason: string } | { kind: 'ok'; actor: Actor };

/** What authentication needs: the database, and this instance's cache of verified tokens when it has one. */
export type AuthServices = Pick<AppServices, 'prisma' | 'tokens'>;

/** Why a token past its expiresAt is refused, and why a subscription open when it expires ends. */
export const TOKEN_EXPIRED = 'This API token has expired';
/** Why a revoked token is refused, and why a subscription open when it is revoked ends. */
export const TOKEN_REVOKED = 'This API token was revoked';

/** Recording use at minute granularity keeps a hot token from writing on every request. */
const USE_RECORDED_EVERY_MS = 60_000;

/**
 * Resolves an `Authorization` header. A bad token is refused outright, never treated as anonymous.
 * A token verified lately is answered from `services.tokens` without a database round trip;
 * `beforeLookup` runs only when the database is asked (callers spend a lookup budget there, so
 * rotating bogus tokens cost the database nothing past it).
 */
export async function authenticate(services: AuthServices, header: string | null | undefined, beforeLookup?: () => Promise<void>): Promise<AuthResult> {
  if (!header) return { kind: 'anonymous' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return { kind: 'invalid', reason: 'Authorization header must be "Bearer <token>"' };
  const tokenHash = hashToken(match[1]);
  const now = Date.now();
  const cached = services.tokens?.get(tokenHash);
  if (cached) {
    if (cached.actor.expiresAt && cached.actor.expiresAt.getTime() <= now) return { kind: 'invalid', reason: TOKEN_EXPIRED };
    if (now - cached.usedAt > USE_RECORDED_EVERY_MS) {
      cached.usedAt = now;
      recordUse(services.prisma, cached.actor.tokenId);
    }
    return { kind: 'ok', actor: cached.actor };
  }
  const lookup = async (): Promise<AuthResult> => {
    await beforeLookup?.();
    const token = await services.prisma.apiToken.findUnique({ where: { tokenHash } });
    if (!token) return { kind: 'invalid', reason: 'Unknown API token' };
    if (token.revokedAt) return { kind: 'invalid', reason: TOKEN_REVOKED };
    if (token.expiresAt && token.expiresAt.getTime() <= now) return { kind: 'invalid', reason: TOKEN_EXPIRED };
    let usedAt = token.lastUsedAt?.getTime() ?? 0;
    if (now - usedAt > USE_RECORDED_EVERY_MS) {
      usedAt = now;
      recordUse(services.prisma, token.id);
    }
    const actor: Actor = { tokenId: token.id, name: token.name, role: token.role, expiresAt: token.expiresAt };
    services.tokens?.set(tokenHash, actor, usedAt);
    return { kind: 'ok', actor };
  };
  // Callers that arrive while the same token is being looked up share that lookup (and its budget).
  return services.tokens ? services.tokens.shared(tokenHash, lookup) : lookup();
}

/**
 * An open subscription's periodic check of the token it runs as: `onRefused` with the reason when
 * the token no longer holds. A database that does not answer refuses nothing: checked again later.
 */
export function recheckToken(services: AuthServices, header: string | null | undefined, onRefused: (reason: string) => void): void {
  authenticate(services, header).then(
    (again) => again.kind === 'invalid' && onRefused(again.reason),
    () => {},
  );
}

function recordUse(prisma: PrismaClient, tokenId: string) {
  void prisma.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } }).catch(() => {});
}

/**
 * Makes sure an administrator can get in: the token given in ADMIN_TOKEN is registered, or, when
 * no active ADMIN token exists yet, one is generated and its secret returned (to print once).
 */
export async function ensureBootstrapToken(services: AppServices, adminToken?: string): Promise<string | null> {
  if (adminToken) {
    const tokenHash = hashToken(adminToken);
    // Several instances starting at once race on the same row: the upsert's insert can lose, which is fine.
    await services.prisma.apiToken
      .upsert({
        where: { tokenHash },
        update: {},
        create: { name: 'bootstrap admin (ADMIN_TOKEN)', role: 'ADMIN', tokenHash, prefix: adminToken.slice(0, 10) },
      })
      .catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
      });
    return null;
  }
  const active = await services.prisma.apiToken.count({
    where: { role: 'ADMIN', revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
  });
  if (active > 0) return null;
  const { secret } = await createToken(services, { name: 'development admin', role: 'ADMIN' as Role });
  return secret;
}
