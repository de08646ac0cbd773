// scripts/build-docs.ts puts a new reference in place by two renames (the old tree aside, the new
// one in) and then removes the old one. A reader at that moment gets a page whole or a status to
// retry on (503), never a response that stops half-way or never ends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocsHandler } from '../../src/http/docs.js';

const PAGE = 'x'.repeat(200_000);
let root: string;
let server: Server;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

async function writeTree(dir: string) {
  await mkdir(join(dir, 'types'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<a href="/docs/types/batch">');
  await writeFile(join(dir, 'types', 'batch.html'), PAGE);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stockline-docs-swap-'));
  await writeTree(join(root, 'docs'));
  const handle = createDocsHandler(join(root, 'docs'));
  // As src/app.ts: a handler's failure is a 500.
  server = createServer((req, res) => void handle(req, res).catch(() => res.headersSent || res.writeHead(500).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('uncaughtException', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('a page read while the reference is replaced', () => {
  it('is answered whole, or 503 to retry, every time', async () => {
    const dir = join(root, 'docs');
    let swapping = true;
    const swaps = (async () => {
      for (let n = 0; swapping; n++) {
        await writeTree(`${dir}.${n}.building`);
        await rename(dir, `${dir}.${n}.old`);
        await rename(`${dir}.${n}.building`, dir);
        await rm(`${dir}.${n}.old`, { recursive: true, force: true });
      }
    })();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/docs/types/batch`;
    const answers = new Set<string>();
    try {
      for (let i = 0; i < 150; i++) {
        const answer = fetch(url).then(async (res) => (res.status === 200 && (await res.text()) === PAGE ? '200 whole' : `${res.status}`));
        answers.add(await Promise.race([answer.catch((e: Error) => `failed: ${e.message}`), new Promise<string>((r) => setTimeout(() => r('no answer within 2 s'), 2_000))]));
      }
    } finally {
      swapping = false;
      await swaps;
    }
    expect([...answers].filter((a) => a !== '200 whole' && a !== '503')).toEqual([]);
    expect(uncaught).toEqual([]);
  }, 60_000);
});
