// An SSE subscription checks its token again while it is open, as a WebSocket does: a token
// revoked where this instance never heard of it (on another instance while Redis was down: the
// event bus is the fast path, the periodic check the fallback) ends the stream at the next check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCache } from '../../src/modules/access/token-cache.js';
import { createToken } from '../../src/modules/access/token.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openSseSubscription, within } from '../helpers/sse.js';

const RECHECK_MS = 200;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { tokenRecheckMs: RECHECK_MS });
});
afterAll(async () => {
  await t?.close();
});

describe('an SSE subscription whose token was revoked without the event reaching this instance', () => {
  it('ends at the next periodic check with UNAUTHENTICATED', async () => {
    const { apiToken, secret } = await createToken(t.app.services, { name: 'revoked while Redis was down', role: 'VIEWER' });
    const stream = await openSseSubscription(t.url, secret, 'subscription { syncRunUpdated { id } }');
    try {
      // Revoked in the database only (no event), and this instance's cached verdict gone, as after its TTL.
      await t.app.services.prisma.apiToken.update({ where: { id: apiToken.id }, data: { revokedAt: new Date() } });
      t.app.services.tokens = new TokenCache();
      const result = await within(stream.ended, 10 * RECHECK_MS);
      expect(result).toMatch(/This API token was revoked/);
      expect(result).toMatch(/"code":"UNAUTHENTICATED"/);
      expect(result).toMatch(/event: complete/);
    } finally {
      stream.abort();
    }
  });
});
