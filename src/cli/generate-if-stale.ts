/**
 * `npm start` / `npm test` pre-step: runs `prisma generate` only when prisma/schema.prisma (or the
 * Prisma version) changed since the last generation. Regenerating rewrites the client under
 * src/generated while other processes of the same checkout may be loading it (two services started
 * at once, a test run beside a running service), and a half-written client hangs or crashes them.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
/** Regenerates the Prisma client and Pothos types when prisma/schema.prisma or the Prisma version changed. */
export function generateIfStale(): void {
  const stamp = join(root, 'src/generated/.schema-hash');
  const prismaVersion = JSON.parse(readFileSync(join(root, 'node_modules/prisma/package.json'), 'utf8')).version as string;
  const hash = createHash('sha256').update(readFileSync(join(root, 'prisma/schema.prisma'))).update(prismaVersion).digest('hex');

  const fresh = existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(root, 'src/generated/prisma/client.ts')) && existsSync(join(root, 'src/generated/pothos-types.ts'));
  if (!fresh) {
    execFileSync('npm', ['run', 'generate', '--silent'], { cwd: root, stdio: 'inherit' });
    writeFileSync(stamp, hash);
  }
}
