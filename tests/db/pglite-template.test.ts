/**
 * A new embedded database is unpacked from the committed template (src/db/pglite-template.ts)
 * instead of running PGlite's initdb, the largest part of a first start. The template must be
 * made by the installed PGlite, and a database opened from it must take the migrations and work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createFromTemplate, installedPGliteVersion, tar, templateVersion, untar } from '../../src/db/pglite-template.js';

const scratch = mkdtempSync(join(tmpdir(), 'stockline-pglite-template-'));
const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) await db.close().catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
});

async function systemIdentifier(dataDir: string): Promise<string> {
  const db = await openDatabase({ dataDir });
  opened.push(db);
  const [row] = await db.prisma.$queryRawUnsafe<{ id: string }[]>('SELECT system_identifier::text AS id FROM pg_control_system()');
  return row!.id;
}

describe('the embedded database template', () => {
  it('was made by the installed PGlite (else: npm run db:template)', () => {
    expect(templateVersion()).toBe(installedPGliteVersion());
  });

  it('is what a new DATA_DIR starts from (no initdb: every such database has the same identifier), and takes the migrations', { timeout: 120_000 }, async () => {
    const first = await systemIdentifier(join(scratch, 'a'));
    const second = await systemIdentifier(join(scratch, 'b'));
    expect(second).toBe(first);
    const db = opened[0]!;
    expect((await db.migrate()).length).toBeGreaterThan(0);
    expect(await db.migrate()).toEqual([]);
    expect(await db.prisma.workCenter.count()).toBe(0);
  });

  it('is not unpacked over a directory that has files', async () => {
    expect(await createFromTemplate(join(scratch, 'a', 'pglite'))).toBe(false);
  });
});

describe('tar', () => {
  it('round-trips files (empty, one block exactly, longer) and directories', () => {
    const entries = [
      { path: 'base', data: null },
      { path: 'base/1', data: null },
      { path: 'base/1/112', data: Buffer.alloc(512, 7) },
      { path: 'PG_VERSION', data: Buffer.from('17\n') },
      { path: 'empty', data: Buffer.alloc(0) },
      { path: 'big', data: Buffer.alloc(1500, 1) },
    ];
    expect(untar(tar(entries))).toEqual(entries);
  });

  it('refuses a path that leaves the archive', () => {
    expect(() => untar(tar([{ path: '../outside', data: Buffer.from('x') }]))).toThrow(/outside the archive/);
  });
});
