/** Scratch PostgreSQL databases for benchmarks: same server and credentials as `admin`, another name. */
import pg from 'pg';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement (CREATE / DROP DATABASE) on the admin connection. */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops it; a failure is reported (drop it by hand), never thrown, so it can run in `finally`. */
  drop(): Promise<void>;
}

/** Creates an empty database named after this process on the server of `adminUrl`. */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `stockline_bench_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  console.log(`scratch database ${name}`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () =>
      adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(
        () => console.log(`dropped ${name}`),
        (error: unknown) => console.error(`dropping ${name} failed; drop it by hand:`, error),
      ),
  };
}
