// npm run db:template: remakes src/db/pglite-template.tar.gz, the empty data directory a new
// embedded database starts from, with the installed PGlite (after upgrading it; src/db/pglite-template.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { installedPGliteVersion, TEMPLATE_FILE, writeTemplate } from '../src/db/pglite-template.js';

const scratch = await mkdtemp(join(tmpdir(), 'stockline-pglite-template-'));
try {
  const pglite = await PGlite.create(scratch);
  await pglite.close();
  await writeTemplate(scratch, installedPGliteVersion());
  console.log(`Wrote ${TEMPLATE_FILE} (PGlite ${installedPGliteVersion()})`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
