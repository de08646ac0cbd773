// npm run db:template: remakes src/db/pglite-template.tar.gz, the database a new embedded DATA_DIR
// starts from, with the installed PGlite and every migration in prisma/migrations applied. Run it after
// upgrading PGlite or adding a migration (tests/db/pglite-template.test.ts fails until then).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { applyMigrations } from '../src/db/migrate.js';
import { installedPGliteVersion, TEMPLATE_FILE, writeTemplate } from '../src/db/pglite-template.js';

const scratch = await mkdtemp(join(tmpdir(), 'stockline-pglite-template-'));
try {
  const pglite = await PGlite.create(scratch);
  const migrations = await applyMigrations(new PrismaPGlite(pglite));
  // The service only ever opens `postgres` (PGlite's default database) and never creates one: the two
  // template databases initdb makes would be two thirds of the files every first start writes.
  for (const statement of ['ALTER DATABASE template0 IS_TEMPLATE false', 'DROP DATABASE template0', 'ALTER DATABASE template1 IS_TEMPLATE false', 'DROP DATABASE template1', 'CHECKPOINT']) {
    await pglite.exec(statement); // one at a time: DROP DATABASE refuses a multi-statement string's implicit transaction
  }
  await pglite.close();
  await writeTemplate(scratch, { pglite: installedPGliteVersion(), migrations });
  console.log(`Wrote ${TEMPLATE_FILE} (PGlite ${installedPGliteVersion()}, ${migrations.length} migrations)`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
