/**
 * A new embedded database is unpacked from the committed template (src/db/pglite-template.ts)
 * instead of running PGlite's initdb and every migration, most of a first start. The template must be
 * made by the installed PGlite and hold every migration, and a database opened from it must work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { readMigrations } from '../../src/db/migrate.js';
import { createFromTemplate, installedPGliteVersion, tar, templateInfo, untar } from '../../src/db/pglite-template.js';

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
  it('was made by the installed PGlite and holds every migration (else: npm run db:template)', async () => {
    expect(templateInfo()?.pglite).toBe(installedPGliteVersion());
    expect(templateInfo()?.migrations).toEqual((await readMigrations()).migrationDirectories.map((d) => d.path));
  });

  it('is what a new DATA_DIR starts from (no initdb: every such database has the same identifier), migrated and working', { timeout: 120_000 }, async () => {
    const first = await systemIdentifier(join(scratch, 'a'));
    const second = await systemIdentifier(join(scratch, 'b'));
    expect(second).toBe(first);
    const db = opened[0]!;
    expect(await db.migrate()).toEqual([]);
    expect(await db.prisma.workCenter.create({ data: { identifier: 'WC-1', name: 'Line 1' } })).toMatchObject({ identifier: 'WC-1' });
    expect(await db.prisma.workCenter.count()).toBe(1);
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
