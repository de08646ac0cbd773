/** Ozon testConnection: one check per method family the account uses, naming the one that failed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startOzonSeller } from '../../src/simulators/ozon/testing.js';

const FAMILIES = ['products', 'product info', 'stocks', 'prices', 'warehouses', 'FBS postings', 'FBO postings'];

describe('Ozon testConnection', () => {
  let full: Simulator;
  let noFbo: Simulator;
  beforeAll(async () => {
    [full, noFbo] = await Promise.all([
      startOzonSeller({}, { offers: 50, seed: 61 }),
      startOzonSeller({ deniedFamilies: ['postings-fbo'] }, { offers: 50, seed: 62 }),
    ]);
  });
  afterAll(() => Promise.all([full.stop(), noFbo.stop()]));

  it('checks every method family the account will use', async () => {
    const result = await createConnector(full.account('oz-conn-full'), QUICK_RETRIES).testConnection();
    expect(result.ok).toBe(true);
    expect(result.checks?.map((check) => check.name)).toEqual(FAMILIES.map((family) => expect.stringContaining(family)));
    expect(result.checks?.every((check) => check.ok)).toBe(true);
  });

  it('fails naming the family whose role the Api-Key lacks, after trying all of them', async () => {
    const result = await createConnector(noFbo.account('oz-conn-nofbo'), QUICK_RETRIES).testConnection();
    expect(result).toMatchObject({ ok: false, kind: 'AUTH', message: expect.stringMatching(/FBO postings.*missing a required role/) });
    expect(result.checks?.filter((check) => !check.ok).map((check) => check.name)).toEqual([expect.stringContaining('FBO postings')]);
    expect(result.checks).toHaveLength(FAMILIES.length);
  });
});
