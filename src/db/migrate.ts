import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

// Migrations are applied by Prisma's schema engine compiled to wasm, driven through a driver
// adapter, because these machines cannot download the native engine. The engine records
// `_prisma_migrations` exactly as `prisma migrate deploy` does. See docs/adr/0002.

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const migrationsDir = join(root, 'prisma/migrations');
export const schemaPath = join(root, 'prisma/schema.prisma');
const emptyFilter = { externalTables: [], externalEnums: [] };

type Engine = Awaited<ReturnType<typeof import('@prisma/schema-engine-wasm').SchemaEngine.new>>;
let runtimePromise: Promise<typeof import('@prisma/schema-engine-wasm/schema_engine_bg')> | undefined;

/** Instantiates the wasm module from its file (the package entry imports .wasm as ESM, which Node rejects). */
function loadRuntime() {
  runtimePromise ??= (async () => {
    const runtime = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const module = new WebAssembly.Module(await readFile(wasmPath));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': runtime as never });
    (runtime as unknown as { __wbg_set_wasm(e: unknown): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return runtime;
  })();
  return runtimePromise;
}

async function withEngine<T>(factory: SqlMigrationAwareDriverAdapterFactory | object, fn: (engine: Engine) => Promise<T>) {
  const runtime = await loadRuntime();
  const adapter = bindMigrationAwareSqlAdapterFactory(factory as SqlMigrationAwareDriverAdapterFactory);
  const engine = (await runtime.SchemaEngine.new({ datamodels: undefined }, () => {}, adapter)) as Engine;
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

export async function readMigrations(dir = migrationsDir) {
  const names = existsSync(dir)
    ? (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  const lockPath = join(dir, 'migration_lock.toml');
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? await readFile(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: await readFile(join(dir, name, 'migration.sql'), 'utf8') } },
      })),
    ),
  };
}

type MigrationsList = Awaited<ReturnType<typeof readMigrations>>;

/**
 * Whether `_prisma_migrations` records exactly the migrations of `migrationsList` as applied: each
 * finished, not rolled back, with the checksum of its file as it is (Prisma's: SHA-256 of the
 * script), and no other row. Then there is nothing to apply and the schema engine, a 5 MB wasm module
 * that takes a second of CPU to load, is not needed: every start but the one after an upgrade. Any
 * other state (no table, a new, failed, rolled back, edited or unknown migration) goes to the engine,
 * which applies or reports it exactly as `prisma migrate deploy` does.
 */
export async function recordedAsApplied(adapterFactory: object, migrationsList: MigrationsList): Promise<boolean> {
  const adapter = await (adapterFactory as SqlDriverAdapterFactory).connect();
  try {
    const query = (sql: string) => adapter.queryRaw({ sql, args: [], argTypes: [] });
    const table = await query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL`);
    if (table.rows[0]?.[0] !== true) return false;
    const { rows } = await query(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AND rolled_back_at IS NULL FROM _prisma_migrations',
    );
    const expected = new Map(
      migrationsList.migrationDirectories.map(({ path, migrationFile }) => [path, createHash('sha256').update(migrationFile.content.value).digest('hex')]),
    );
    return rows.length === expected.size && rows.every(([name, checksum, applied]) => applied === true && expected.get(name as string) === checksum);
  } finally {
    await adapter.dispose();
  }
}

/** Applies every pending migration; idempotent. Returns the names applied by this call. */
export async function applyMigrations(adapterFactory: object): Promise<string[]> {
  const migrationsList = await readMigrations();
  // A failure to read (an unreachable database, a permission) is the engine's to report, in its words.
  if (await recordedAsApplied(adapterFactory, migrationsList).catch(() => false)) return [];
  return withEngine(adapterFactory, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: emptyFilter });
    return out.appliedMigrationNames;
  });
}

/**
 * The SQL that takes a database holding every existing migration to the current schema.
 * `shadowFactory` must point at an empty scratch database; the migrations are replayed into it.
 */
export async function diffSchemaAgainstMigrations(shadowFactory: object): Promise<string | undefined> {
  const migrationsList = await readMigrations();
  const files = [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }];
  return withEngine(shadowFactory, async (engine) => {
    if (migrationsList.migrationDirectories.length) await engine.applyMigrations({ migrationsList, filters: emptyFilter });
    const diff = await engine.diff({
      from: { tag: 'schemaDatasource', files, configDir: dirname(schemaPath) },
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: true,
      filters: emptyFilter,
    });
    return diff.exitCode === 0 || !diff.stdout ? undefined : diff.stdout;
  });
}
