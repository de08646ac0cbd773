/** `stockline migrate` (also `npm run db:migrate`): applies pending migrations to the configured database. */
import { describeDatabase, withLocalDatabase } from '../local-database.js';

export async function migrateCommand(): Promise<number> {
  return withLocalDatabase(async (db, env) => {
    console.log(`Database: ${describeDatabase(env)}`);
    const applied = await db.migrate();
    if (!applied.length) {
      console.log('Up to date: nothing to apply.');
      return 0;
    }
    console.log(`Applied ${applied.length} migration(s):`);
    for (const name of applied) console.log(`  ${name}`);
    return 0;
  }, 'The service applies pending migrations itself when it starts (MIGRATE_ON_START).');
}
