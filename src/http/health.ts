import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../db/database.js';

/** `/healthz`: the process is alive. `/readyz`: it can reach its database (load balancers route on it). */
export async function handleHealth(req: IncomingMessage, res: ServerResponse, db: Database): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/healthz') {
    send(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    const database = await db.ping();
    send(res, database ? 200 : 503, { status: database ? 'ready' : 'unavailable', database: database ? 'up' : 'down' });
    return true;
  }
  return false;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
