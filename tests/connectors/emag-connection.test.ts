/**
 * testConnection tries every eMAG resource the account will use (offers read and write, orders of
 * its fulfillment type, acknowledge when on) and names the one that failed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';

const names = (result: { checks?: Array<{ name: string; ok: boolean }> }) => result.checks?.map((c) => [c.name, c.ok]);

describe('eMAG testConnection', () => {
  let main: Simulator;
  let fbe: Simulator;
  beforeAll(async () => {
    main = await startFastSimulator('EMAG', { offers: 20, orders: 20, seed: 61 });
    fbe = await startFastSimulator('EMAG', { offers: 20, orders: 20, seed: 61, fulfillment: 'FBE' });
  });
  afterAll(async () => {
    await main.stop();
    await fbe.stop();
  });

  it('checks offers read and write and seller orders; acknowledge only when on', async () => {
    const off = await createConnector(main.account('emag-conn-main'), QUICK_RETRIES).testConnection();
    expect(off.ok).toBe(true);
    expect(names(off)).toEqual([
      ['offers read (product_offer/read)', true],
      ['offers write (offer/save)', true],
      ['seller-fulfilled orders (order/read type 3)', true],
    ]);
    const on = await createConnector({ ...main.account('emag-conn-ack'), options: { acknowledgeOrders: true } }, QUICK_RETRIES).testConnection();
    expect(on.ok).toBe(true);
    expect(names(on)?.at(-1)).toEqual(['order acknowledge (order/acknowledge)', true]);
  });

  it('checks FBE orders (type 2) for an FBE login, and no acknowledge (eMAG has none for FBE)', async () => {
    const result = await createConnector({ ...fbe.account('emag-conn-fbe'), options: { acknowledgeOrders: true } }, QUICK_RETRIES).testConnection();
    expect(result.ok).toBe(true);
    expect(names(result)).toEqual([
      ['offers read (product_offer/read)', true],
      ['offers write (offer/save)', true],
      ['FBE orders (order/read type 2)', true],
    ]);
  });

  it('reports wrong credentials as AUTH on every check, the message naming the first', async () => {
    const wrong = { ...main.account('emag-conn-wrong'), credentials: { username: main.credentials.username!, password: 'not-the-password' } };
    const result = await createConnector(wrong, QUICK_RETRIES).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'AUTH', message: expect.stringMatching(/^offers read \(product_offer\/read\): /) });
    expect(result.checks?.every((c) => !c.ok && c.kind === 'AUTH')).toBe(true);
  });

  describe('a login without rights on orders', () => {
    let server: Server;
    let baseUrl: string;
    beforeAll(async () => {
      // An eMAG API user may be given rights per resource: this one may use offers only.
      server = createServer((request, response) => {
        const forbidden = request.url?.includes('/order/');
        response.writeHead(forbidden ? 401 : 200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(
            forbidden
              ? { isError: true, messages: ['You do not have access to this resource'], results: [] }
              : { isError: false, messages: [], results: [] },
          ),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api-3`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fails the orders check only, and says so', async () => {
      const connector = createConnector(
        { id: 'emag-conn-rights', channel: 'EMAG', fulfillment: 'MAIN', baseUrl, credentials: { username: 'u', password: 'p' } },
        QUICK_RETRIES,
      );
      const result = await connector.testConnection();
      expect(result).toMatchObject({ ok: false, kind: 'AUTH', message: expect.stringMatching(/^seller-fulfilled orders \(order\/read type 3\): /) });
      expect(names(result)).toEqual([
        ['offers read (product_offer/read)', true],
        ['offers write (offer/save)', true],
        ['seller-fulfilled orders (order/read type 3)', false],
      ]);
    });
  });
});
