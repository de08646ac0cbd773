import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Env } from '../../env.js';

/** Where task files live and how long they stay; built from the environment by the app. */
export interface TaskSettings {
  /** Directory of stored files; default DATA_DIR/files (a per-process temp directory when DATA_DIR is memory://). */
  filesDir: string;
  /** Base of download links; default PUBLIC_URL, else the caller's origin (GraphQL) or `instanceUrl` (workers). */
  publicUrl: string | null;
  /** This instance's own URL, set once it listens: the last resort for links made without a request. */
  instanceUrl: string | null;
  /** Largest accepted upload; default UPLOAD_MAX_BYTES (10 MB). */
  uploadMaxBytes: number;
  /** Results and their files expire this long after the task finished; default TASK_RESULT_TTL_HOURS (24). */
  resultTtlMs: number;
}

let memoryDir: string | undefined;

/** An in-memory database has nowhere durable for files: one temp directory per process, removed at exit. */
function processTempDir(): string {
  if (!memoryDir) {
    const dir = mkdtempSync(join(tmpdir(), 'stockline-files-'));
    memoryDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return memoryDir;
}

export function taskSettings(env: Pick<Env, 'DATA_DIR' | 'PUBLIC_URL' | 'UPLOAD_MAX_BYTES' | 'TASK_RESULT_TTL_HOURS'>): TaskSettings {
  return {
    filesDir: env.DATA_DIR.startsWith('memory://') ? processTempDir() : resolve(env.DATA_DIR, 'files'),
    publicUrl: env.PUBLIC_URL ? env.PUBLIC_URL.replace(/\/+$/, '') : null,
    instanceUrl: null,
    uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    resultTtlMs: env.TASK_RESULT_TTL_HOURS * 3_600_000,
  };
}

/** Settings of services built without them (scripts, benches): the documented defaults. */
export function settingsOf(services: { tasks?: TaskSettings }): TaskSettings {
  return (services.tasks ??= taskSettings({ DATA_DIR: 'memory://', PUBLIC_URL: undefined, UPLOAD_MAX_BYTES: 10 * 1024 * 1024, TASK_RESULT_TTL_HOURS: 24 }));
}
