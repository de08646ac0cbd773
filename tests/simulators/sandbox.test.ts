/** The zero-configuration sandbox, and the command-line runner. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { startSandbox } from '../../src/simulators/index.js';

describe('startSandbox', () => {
  it('starts eMAG MAIN and FBE, Ozon, Wildberries and a storefront whose accounts connect', async () => {
    const sandbox = await startSandbox({ offers: 50, driftEveryMs: 0 });
    try {
      expect(sandbox.accounts.map((a) => [a.channel, a.fulfillment ?? null])).toEqual([
        ['EMAG', 'MAIN'],
        ['EMAG', 'FBE'],
        ['OZON', null],
        ['WILDBERRIES', null],
        ['STOREFRONT', null],
      ]);
      expect(new Set(sandbox.accounts.map((a) => a.baseUrl)).size).toBe(5);
      const results = await Promise.all(sandbox.accounts.map((account) => createConnector(account).testConnection()));
      // Every account signs in, and every host and scope it will use answers (each channel lists its checks).
      expect(results.map((r) => r.ok)).toEqual(Array(5).fill(true));
      expect(results.flatMap((r) => r.checks ?? []).filter((check) => !check.ok)).toEqual([]);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('simulator CLI', () => {
  it('serves a simulator until stopped', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulators/cli.ts', 'storefront', '--offers', '20'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let output = '';
      while (!output.includes('account:')) {
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        output += chunk.toString();
      }
      const account = JSON.parse(output.slice(output.indexOf('account: ') + 9).split('\n')[0] as string) as { baseUrl: string; credentials: { token: string } };
      const response = await fetch(`${account.baseUrl}/api/v1/products?per_page=5`, { headers: { authorization: `Bearer ${account.credentials.token}` } });
      expect(((await response.json()) as { meta: { total: number } }).meta.total).toBe(20);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
