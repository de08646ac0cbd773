/**
 * A real Wildberries account needs only its token: each API has its spec's public host
 * (content-api, discounts-prices-api, marketplace-api, statistics-api .wildberries.ru), each can be
 * moved per account, and a simulator's base URL serves them all. testConnection checks every host
 * and category the account uses and names the one that failed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelRegistry } from '../../src/connectors/channels.js';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import { wbHosts } from '../../src/connectors/wildberries/hosts.js';
import type { Simulator } from '../../src/simulators/index.js';
import { FAST_LIMITS, startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls, wildberriesHostUrls } from '../../src/simulators/wildberries/index.js';

const fastStatistics = { limit: 50, periodMs: 1000, burst: 5 };

describe('Wildberries hosts', () => {
  it('has a default base URL, so a token alone configures a real account', () => {
    const wb = channelRegistry.WILDBERRIES;
    expect(wb.defaultBaseUrl).toMatch(/^https:\/\/[a-z-]+\.wildberries\.ru$/);
    expect(wb.options.parse({})).toEqual({});
    expect(wbHosts({ baseUrl: wb.defaultBaseUrl as string })).toEqual({
      content: 'https://content-api.wildberries.ru',
      prices: 'https://discounts-prices-api.wildberries.ru',
      marketplace: 'https://marketplace-api.wildberries.ru',
      statistics: 'https://statistics-api.wildberries.ru',
    });
  });

  it('lets an account move any host, and sends the rest of a non-WB base URL there', () => {
    expect(wbHosts({ baseUrl: 'https://marketplace-api.wildberries.ru', options: { hosts: { content: 'https://content-api-sandbox.wildberries.ru' } } })).toMatchObject({
      content: 'https://content-api-sandbox.wildberries.ru',
      statistics: 'https://statistics-api.wildberries.ru',
    });
    expect(wbHosts({ baseUrl: 'http://127.0.0.1:4000', options: { hosts: { statistics: 'http://127.0.0.1:4001' } } })).toEqual({
      content: 'http://127.0.0.1:4000',
      prices: 'http://127.0.0.1:4000',
      marketplace: 'http://127.0.0.1:4000',
      statistics: 'http://127.0.0.1:4001',
    });
  });
});

describe('Wildberries testConnection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', {
      offers: 50,
      seed: 23,
      rateLimits: { ...FAST_LIMITS.WILDBERRIES, statisticsOrders: fastStatistics, statisticsStocks: fastStatistics },
    });
  });
  afterAll(() => sim.stop());

  it('checks each host and category and lists them', async () => {
    const result = await createConnector(sim.account('wb-conn-ok'), QUICK_RETRIES).testConnection();
    expect(result.ok).toBe(true);
    const names = (result.checks ?? []).map((c) => c.name);
    for (const part of ['content API', 'prices API', 'marketplace API', 'statistics API', 'content scope', 'prices scope', 'marketplace scope']) {
      expect(names.some((n) => n.startsWith(part)), part).toBe(true);
    }
  });

  it('answers /ping per host by the token category, as 01-general.yaml says', async () => {
    const token = `${sim.credentials.token}-no-stats`;
    wildberriesControls(sim).addToken(token, ['content', 'prices', 'marketplace']);
    const hosts = wildberriesHostUrls(sim.url);
    const ping = (host: string, auth: string) => fetch(`${host}/ping`, { headers: { authorization: auth } }).then((r) => r.status);
    expect(await ping(hosts.statistics, token)).toBe(401);
    expect(await ping(hosts.content, token)).toBe(200);
    expect(await ping(hosts.statistics, sim.credentials.token as string)).toBe(200);
  });

  it('names the category a limited token lacks, on its host and its scope', async () => {
    const token = `${sim.credentials.token}-limited`;
    wildberriesControls(sim).addToken(token, ['content', 'marketplace', 'statistics']);
    const account = { ...sim.account('wb-conn-limited'), credentials: { token }, options: { hosts: wildberriesHostUrls(sim.url) } };
    const result = await createConnector(account, QUICK_RETRIES).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'AUTH', message: expect.stringMatching(/^prices API/) });
    expect(result.checks?.filter((c) => !c.ok).map((c) => c.name.replace(/ \(.*/, ''))).toEqual(['prices API', 'prices scope']);
  });

  it('passes a token without Statistics (optional: FBW data is skipped) and says so on that check', async () => {
    const token = `${sim.credentials.token}-fbs-only`;
    wildberriesControls(sim).addToken(token, ['content', 'prices', 'marketplace']);
    const account = { ...sim.account('wb-conn-fbs-only'), credentials: { token }, options: { hosts: wildberriesHostUrls(sim.url) } };
    const result = await createConnector(account, QUICK_RETRIES).testConnection();
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const failed = result.checks?.filter((c) => !c.ok) ?? [];
    expect(failed).toEqual([{ name: expect.stringMatching(/^statistics API/), ok: false, kind: 'AUTH', message: expect.stringMatching(/FBW orders and WB-held stock will be skipped/) }]);
  });

  it('names the host that cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const account = { ...sim.account('wb-conn-host'), options: { hosts: { statistics: `http://127.0.0.1:${port}` } } };
    const result = await createConnector(account, QUICK_RETRIES).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'NETWORK', message: expect.stringMatching(new RegExp(`^statistics API \\(127\\.0\\.0\\.1:${port}\\)`)) });
  });
});
