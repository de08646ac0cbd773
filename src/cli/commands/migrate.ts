/** `stockline migrate` (also `npm run db:migrate`): applies pending migrations to the configured database. */
import { readMigrations } from '../../db/migrate.js';
import { describeDatabase, withLocalDatabase } from '../local-database.js';

export async function migrateCommand(): Promise<number> {
  return withLocalDatabase(async (db, env) => {
    console.log(`Database: ${describeDatabase(env)}`);
    const applied = await db.migrate();
    if (!applied.length) {
      // A new embedded database starts from a migrated template: up to date from the first run.
      const { migrationDirectories } = await readMigrations();
      console.log(`Up to date: nothing to apply (${migrationDirectories.length} migrations, the newest ${migrationDirectories.at(-1)?.path ?? 'none'}).`);
      return 0;
    }
    console.log(`Applied ${applied.length} migration(s):`);
    for (const name of applied) console.log(`  ${name}`);
    return 0;
  }, 'The service applies pending migrations itself when it starts (MIGRATE_ON_START).');
}
