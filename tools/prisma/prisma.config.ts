import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI, which lives in this folder so that `npm ci` at the root skips it (its
// only job is `npm run generate`; the client it writes, src/generated, is committed). Run from the
// repository's root with `--config tools/prisma/prisma.config.ts`: paths are relative to it.
// `migrate deploy` works too where the native engine is available; the service applies
// migrations itself through the wasm schema engine (src/db/migrate.ts).
export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/stockline' },
});
