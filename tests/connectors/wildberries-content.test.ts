/**
 * What a Wildberries card shows a seller (02-products.yaml, /content/v2/get/cards/list and
 * /content/v2/cards/error/list): description, brand, subject, photos and barcodes as listing
 * content, and the errors of a failed card edit as rejection reasons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnector } from '../../src/connectors/index.js';
import { collectPages, QUICK_RETRIES } from '../../src/connectors/testing.js';
import type { Simulator } from '../../src/simulators/index.js';
import { startFastSimulator } from '../../src/simulators/testing.js';
import { wildberriesControls } from '../../src/simulators/wildberries/index.js';

describe('Wildberries listing content', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startFastSimulator('WILDBERRIES', { offers: 120, seed: 25 });
  });
  afterAll(() => sim.stop());

  it('carries the card content and the errors of its failed edits', async () => {
    wildberriesControls(sim).cardErrors('STK-0000007', ['Запрещено использовать E-Mail в поле Описание']);
    const { items } = await collectPages(createConnector(sim.account('wb-content'), QUICK_RETRIES).listProducts({ mode: 'FULL' }));
    const rejected = items.find((l) => l.sku === 'STK-0000007')!;
    const clean = items.find((l) => l.sku === 'STK-0000008')!;
    expect(rejected.rejectionReasons).toEqual(['Запрещено использовать E-Mail в поле Описание']);
    expect(clean.rejectionReasons).toEqual([]);
    expect(clean.content).toEqual({
      description: expect.stringContaining(clean.name),
      brand: expect.any(String),
      category: 'Товары для дома',
      images: [expect.stringMatching(/^https:\/\/.+\/big\/1\.webp$/)],
      barcodes: [expect.stringMatching(/^20\d{11}$/)],
    });
  });

  it('keeps the newest failed edits of a seller with more than the batches it reads (1000)', async () => {
    const controls = wildberriesControls(sim);
    // 1005 older failed batches of other cards, then the newest: a failed edit of STK-0000009.
    for (let n = 0; n < 1005; n += 1) controls.cardErrors(`OLD-${n}`, ['старая ошибка']);
    controls.cardErrors('STK-0000009', ['Поле Наименование не должно содержать запрещенные символы']);
    const { items } = await collectPages(createConnector(sim.account('wb-content-many-errors'), QUICK_RETRIES).listProducts({ mode: 'FULL' }));
    expect(items.find((l) => l.sku === 'STK-0000009')?.rejectionReasons).toEqual(['Поле Наименование не должно содержать запрещенные символы']);
  });
});
