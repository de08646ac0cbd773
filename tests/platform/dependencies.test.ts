/**
 * package.json lists what the code uses and nothing else: knip follows the imports from every
 * entry (service, CLI, scripts, benchmarks, client examples, dashboard, tests) and reports
 * dependencies nothing uses, and imports of packages not listed. Exceptions, each with its
 * reason, are in knip.jsonc.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { ensureTool } from '../../src/cli/tool-package.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

it('every dependency is used and every used package is a dependency (knip)', async () => {
  const knip = join(ensureTool('knip', 'knip'), 'node_modules', 'knip', 'bin', 'knip.js');
  const run = await promisify(execFile)(process.execPath, [knip, '--dependencies', '--no-progress', '--no-config-hints', '--reporter', 'compact'], { cwd: ROOT }).then(
    ({ stdout }) => ({ code: 0, report: stdout.trim() }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, report: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() }),
  );
  expect(run).toEqual({ code: 0, report: '' });
}, 60_000);
