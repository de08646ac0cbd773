// npm run db:migrate: applies pending migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR.
import { parseEnv } from '../src/env.js';
import { openDatabase } from '../src/db/database.js';

const env = parseEnv();
const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  const applied = await db.migrate();
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} finally {
  await db.close();
}
