/**
 * `npm start` / `npm test` pre-step: runs `prisma generate` only when the generated client does not
 * match prisma/schema.prisma and the installed Prisma. Regenerating rewrites the client under
 * src/generated while other processes of the same checkout may be loading it (two services started
 * at once, a test run beside a running service), and a half-written client hangs or crashes them.
 *
 * The client itself says what it was generated from (its inlined schema and client version), so a
 * generation by `npm install`'s postinstall, or by hand, counts: a first start does not generate
 * again right after the install did.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** Whether src/generated was generated from the current schema by the installed Prisma. */
export function generatedClientIsFresh(): boolean {
  const client = join(root, 'src/generated/prisma/internal/class.ts');
  if (!existsSync(client) || !existsSync(join(root, 'src/generated/prisma/client.ts')) || !existsSync(join(root, 'src/generated/pothos-types.ts'))) return false;
  const prismaVersion = (JSON.parse(readFileSync(join(root, 'node_modules/prisma/package.json'), 'utf8')) as { version: string }).version;
  const schema = readFileSync(join(root, 'prisma/schema.prisma'), 'utf8');
  const generated = readFileSync(client, 'utf8');
  return generated.includes(`"clientVersion": ${JSON.stringify(prismaVersion)}`) && generated.includes(`"inlineSchema": ${JSON.stringify(schema)}`);
}

/** Regenerates the Prisma client and Pothos types unless they are fresh. */
export function generateIfStale(): void {
  if (!generatedClientIsFresh()) execFileSync('npm', ['run', 'generate', '--silent'], { cwd: root, stdio: 'inherit' });
}
