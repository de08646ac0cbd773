/**
 * Runs the real `stockline` command (`node bin/stockline.js …`) as a child process with only PATH,
 * HOME and the variables given, and resolves with its exit code and output.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = 'bin/stockline.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const baseEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' });

export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...baseEnv(), ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        return reject(new Error(`stockline ${args.join(' ')} did not finish (${error.signal ?? error.message}); stdout:\n${stdout}\nstderr:\n${stderr}`));
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A long-running `stockline …` (serve): its process and everything it printed so far. */
export function spawnCli(args: string[], env: Record<string, string>): { proc: ChildProcess; output(): string } {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { proc, output: () => out };
}
