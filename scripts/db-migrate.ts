// npm run db:migrate: the same as `npx stockline migrate` (applies pending migrations to
// DATABASE_URL, or to the embedded PGlite in DATA_DIR).
import { runCommand } from '../src/cli/cli-error.js';
import { migrateCommand } from '../src/cli/commands/migrate.js';

await runCommand(migrateCommand);
