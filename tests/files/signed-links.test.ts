/**
 * Downloads by a plain link: TaskFile.downloadUrl is a short-lived signed URL for that one file,
 * so a browser (or a mail, or curl) can fetch it without a token and without a token in the URL.
 * A tampered signature, the signature of another file and an expired link are refused (403) and
 * the bearer-token path still works.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_LINK_TTL_SECONDS, signedFileUrl } from '../../src/modules/files/file-link.js';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { batchInput, createBatch, createWorkCenter } from '../helpers/production.js';
import { exportBatches, waitForTask } from '../tasks/task-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const workCenter = await createWorkCenter(t);
  await createBatch(t, batchInput(workCenter.id, { batchNumber: 71 }));
  await createBatch(t, batchInput(workCenter.id, { batchNumber: 72 }));
});
afterAll(async () => {
  await t?.close();
});

async function exported(format: 'CSV' | 'XLSX') {
  const started = await exportBatches(t, { format });
  const done = await waitForTask(t, started.task.id);
  expect(done.status).toBe('SUCCESS');
  const files = dataOf(await t.gql(`query($id: ID!) { task(id: $id) { files { id url downloadUrl } } }`, { id: done.id })).task.files;
  return files[0] as { id: string; url: string; downloadUrl: string };
}

describe('signed download links', () => {
  it('downloads an export through its plain link, without a token', async () => {
    const file = await exported('CSV');
    const link = new URL(file.downloadUrl);
    expect(link.pathname).toBe(`/files/${file.id}`);
    expect(file.downloadUrl).not.toContain(t.adminToken);
    const expires = Number(link.searchParams.get('expires'));
    expect(expires * 1000 - Date.now()).toBeGreaterThan((FILE_LINK_TTL_SECONDS - 30) * 1000);
    expect(expires * 1000 - Date.now()).toBeLessThanOrEqual(FILE_LINK_TTL_SECONDS * 1000);

    const res = await fetch(file.downloadUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const rows = parse((await res.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.batchNumber).sort()).toEqual(['71', '72']);
  });

  it('refuses a tampered, borrowed or expired link, and still serves a bearer token', async () => {
    const file = await exported('CSV');
    const other = await exported('XLSX');
    const link = new URL(file.downloadUrl);
    const signature = link.searchParams.get('signature')!;

    const tampered = new URL(link);
    tampered.searchParams.set('signature', signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')));
    const borrowed = new URL(other.downloadUrl);
    borrowed.searchParams.set('signature', signature);
    borrowed.searchParams.set('expires', link.searchParams.get('expires')!);
    const longer = new URL(link);
    longer.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    const expired = signedFileUrl(t.app.services, file.id, t.url, new Date(Date.now() - (FILE_LINK_TTL_SECONDS + 1) * 1000));
    for (const url of [tampered.href, borrowed.href, longer.href, expired]) {
      const res = await fetch(url);
      expect(res.status, url).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe('This download link is invalid or has expired; ask for a new one.');
    }
    expect((await fetch(file.url)).status).toBe(401);
    expect((await fetch(file.url, { headers: { authorization: `Bearer ${t.adminToken}` } })).status).toBe(200);
  });
});
