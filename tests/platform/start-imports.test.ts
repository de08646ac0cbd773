/**
 * The service starts without loading the packages only some requests need: exceljs (XLSX export,
 * import and reports), pdfkit (PDF reports) and nodemailer (mail, only with SMTP_URL) cost about a
 * second of CPU to import (issue 15 item 9: a first start under 20 s), and most runs never use them.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Every module the child loads, ES modules (a resolve hook reports each) and CommonJS (require.cache) alike. */
const SCRIPT = `
  import { createRequire, register } from 'node:module';
  import { MessageChannel } from 'node:worker_threads';
  const { port1, port2 } = new MessageChannel();
  const resolved = [];
  const done = new Promise((finish) => port1.on('message', (url) => (url === 'node:zlib' ? finish() : resolved.push(url))));
  const hook = 'let port; export function initialize(data) { port = data.port; }'
    + ' export async function resolve(specifier, context, next) { const result = await next(specifier, context); port.postMessage(result.url); return result; }';
  register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: port2 }, transferList: [port2] });
  await import('./src/app.ts');
  await import('node:zlib'); // the last url the hook reports: every earlier one has arrived when it does
  await done;
  port1.close();
  const loaded = [...resolved, ...Object.keys(createRequire(import.meta.url).cache)];
  const heavy = [...new Set(loaded.map((path) => /node_modules\\/(exceljs|pdfkit|nodemailer)\\//.exec(path)?.[1]).filter(Boolean))].sort();
  console.log(JSON.stringify({ modules: loaded.length, heavy }));`;

it('importing the whole service loads no exceljs, pdfkit or nodemailer', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test' } });
  const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { modules: number; heavy: string[] };
  expect(report.modules).toBeGreaterThan(100); // the service itself was loaded
  expect(report.heavy).toEqual([]);
}, 120_000);
