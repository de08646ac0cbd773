/**
 * vitest globalSetup: one audit directory per run, handed to the forked workers through the
 * environment; at teardown the run fails if any secret a test created appears in any app's log.
 * See tests/helpers/secret-audit.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_DIR_ENV, findLeaks, prepareAuditDir } from './secret-audit.js';

export default function setup() {
  // Each project may run this setup; the first one owns the directory and the check.
  if (process.env[AUDIT_DIR_ENV]) return;
  const dir = mkdtempSync(join(tmpdir(), 'stockline-secret-audit-'));
  prepareAuditDir(dir);
  process.env[AUDIT_DIR_ENV] = dir;
  return () => {
    delete process.env[AUDIT_DIR_ENV];
    const leaks = findLeaks(dir);
    if (leaks.length === 0) return rmSync(dir, { recursive: true, force: true });
    for (const leak of leaks) console.error(`secret ${leak.secret} found in ${join(dir, 'logs', leak.file)}:\n  ${leak.excerpt}\n`);
    process.exitCode = 1;
    throw new Error(`${leaks.length} secret(s) created by the tests appear in their logs (kept in ${dir}); see above`);
  };
}
