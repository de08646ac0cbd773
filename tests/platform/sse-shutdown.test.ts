// Stopping the service (SIGTERM, a deploy) ends its server-sent event streams, as it terminates its
// WebSocket connections: a subscriber's open stream must not hold the stop until the supervisor's
// kill (main.ts exits 1 after 30 s, before the workers and the database are closed); the client
// sees its connection drop and reconnects to another instance.
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/modules/access/token.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterAll(async () => {
  await t?.close();
});

describe('stopping the service with a server-sent event stream open', () => {
  it('ends the stream and finishes stopping', async () => {
    const app = (t = await startTestApp());
    const { secret } = await createToken(app.app.services, { name: 'subscribed at shutdown', role: 'VIEWER' });
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: 'subscription { syncRunUpdated { id } }' }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const streamEnded = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // the connection dropped: ended too
      }
      return 'stream ended';
    })();
    const stopped = app.close().then(() => 'stopped');
    t = undefined;
    const within = (ms: number, what: string) => new Promise<string>((r) => setTimeout(() => r(`${what} after ${ms} ms`), ms).unref());
    expect(await Promise.race([stopped, within(5_000, 'still stopping')])).toBe('stopped');
    expect(await Promise.race([streamEnded, within(1_000, 'stream still open')])).toBe('stream ended');
  }, 60_000);
});
