/**
 * A new embedded database starts as a copy of a migrated one made by the same PGlite, not by running
 * PGlite's initdb and then every migration: initdb (wasm) and the migrations' DDL through Prisma's
 * schema engine were most of a first start, several seconds of CPU, while unpacking the copy takes a
 * few hundred milliseconds. The copy is a cleanly shut down data directory holding only the
 * `postgres` database (the one PGlite opens) with the migrations listed beside it applied, as a
 * gzipped tar. It is used only when the installed PGlite made it (any other version runs initdb as
 * before); migrations added after it was made are applied on top at start, as on any database.
 * `npm run db:template` remakes it (tests/db/pglite-template.test.ts fails until then).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

export const TEMPLATE_FILE = join(import.meta.dirname, 'pglite-template.tar.gz');
/** Beside the template: the PGlite version that made it and the migrations it holds. */
export const TEMPLATE_VERSION_FILE = join(import.meta.dirname, 'pglite-template.json');

/** The installed @electric-sql/pglite's version. */
export function installedPGliteVersion(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** What the committed template was made by and holds. */
export interface TemplateInfo {
  pglite: string;
  migrations: string[];
}

/** The committed template's TemplateInfo, or null without one. */
export function templateInfo(): TemplateInfo | null {
  if (!existsSync(TEMPLATE_FILE) || !existsSync(TEMPLATE_VERSION_FILE)) return null;
  const info = JSON.parse(readFileSync(TEMPLATE_VERSION_FILE, 'utf8')) as Partial<TemplateInfo>;
  return { pglite: info.pglite ?? '', migrations: info.migrations ?? [] };
}

/**
 * Fills `dir` (which must not exist yet, or be empty) from the template when the installed PGlite
 * made it. Unpacked beside `dir` and renamed, so a crash never leaves half a data directory.
 * Returns whether it did.
 */
export async function createFromTemplate(dir: string): Promise<boolean> {
  if (templateInfo()?.pglite !== installedPGliteVersion()) return false;
  if (existsSync(dir) && (await readdir(dir)).length > 0) return false;
  const temporary = `${dir}.template-${process.pid}.tmp`;
  await rm(temporary, { recursive: true, force: true });
  // A thousand small files: the synchronous calls take a third of the time the promise ones do,
  // and nothing else is running yet.
  for (const entry of untar(gunzipSync(await readFile(TEMPLATE_FILE)))) {
    const path = join(temporary, ...entry.path.split('/'));
    if (entry.data === null) mkdirSync(path, { recursive: true });
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry.data, { mode: 0o600 });
    }
  }
  await rm(dir, { recursive: true, force: true });
  await rename(temporary, dir);
  return true;
}

/** Packs a (closed) data directory as the template, recording what made it and what it holds. */
export async function writeTemplate(dataDir: string, info: TemplateInfo): Promise<void> {
  const entries: TarEntry[] = [];
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = relative(dataDir, path).split(/[\\/]/).join('/');
      if ((await stat(path)).isDirectory()) {
        entries.push({ path: rel, data: null });
        await walk(path);
      } else entries.push({ path: rel, data: await readFile(path) });
    }
  };
  await walk(dataDir);
  await writeFile(TEMPLATE_FILE, gzipSync(tar(entries), { level: 9 }));
  await writeFile(TEMPLATE_VERSION_FILE, `${JSON.stringify(info, null, 2)}\n`);
}

/** A file (data) or a directory (data null), by its path relative to the archive's root. */
export interface TarEntry {
  path: string;
  data: Buffer | null;
}

const BLOCK = 512;

/** A POSIX ustar archive of files and directories (paths under 100 bytes, as a data directory's are). */
export function tar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { path, data } of entries) {
    const name = data === null ? `${path}/` : path;
    if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long: ${path}`);
    const header = Buffer.alloc(BLOCK);
    header.write(name, 0);
    header.write(data === null ? '0000755\0' : '0000600\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${(data?.length ?? 0).toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write(data === null ? '5' : '0', 156);
    header.write('ustar\u000000', 257);
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header);
    if (data) blocks.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** The files and directories of a ustar archive written by `tar` (no links, no extended headers). */
export function untar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  const field = (header: Buffer, start: number, length: number) => header.subarray(start, start + length).toString().replace(/\0.*$/s, '');
  for (let offset = 0; offset + BLOCK <= archive.length; ) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const prefix = field(header, 345, 155);
    const path = posix.normalize((prefix ? `${prefix}/` : '') + field(header, 0, 100)).replace(/\/$/, '');
    if (path.startsWith('/') || path === '..' || path.startsWith('../')) throw new Error(`untar: path outside the archive: ${path}`);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = field(header, 156, 1);
    offset += BLOCK;
    if (type === '5') entries.push({ path, data: null });
    else if (type === '0' || type === '') entries.push({ path, data: archive.subarray(offset, offset + size) });
    else throw new Error(`untar: unsupported entry type ${JSON.stringify(type)} for ${path}`);
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}
