/**
 * The statistics API (12-reports.yaml, "Основные отчёты"): `/api/v1/supplier/orders` lists every
 * order (WB-held FBW ones and the seller's FBS ones alike, one row per unit) and
 * `/api/v1/supplier/stocks` the stock on WB's own warehouses. Dates are Moscow time without a
 * zone; rows are paged by `dateFrom` = the last row's `lastChangeDate`.
 */
import type { Catalog } from '../shared/catalog.js';
import type { OrderBook } from '../shared/orders.js';
import { intBetween } from '../shared/random.js';
import type { SimRequest, SimResponse } from '../shared/server.js';
import type { ControlState } from './controls.js';

export const FBW_WAREHOUSES = ['Коледино', 'Электросталь'];
const STOCK_ROWS = 60_000;
const ORDER_ROWS = 80_000;
const MOSCOW_MS = 3 * 3_600_000;
const DAY_MS = 86_400_000;

/** `2022-03-04T18:08:31` in Moscow time, as the statistics API writes dates. */
export const moscowTime = (ms: number) => new Date(ms + MOSCOW_MS).toISOString().slice(0, 19);

/** dateFrom as WB takes it: a date, or a date-time in Moscow time (an explicit zone is honoured too). */
function parseDateFrom(value: string | null): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const ms = Date.parse(hasZone ? value : `${value.length === 10 ? `${value}T00:00:00` : value}+03:00`);
  return Number.isNaN(ms) ? undefined : ms;
}

const statisticsError = (errors: string[]): SimResponse => ({ status: 400, body: { errors } });

export function statisticsRoutes(catalog: Catalog, orders: OrderBook, controls: ControlState, seed: number, ids: { nmBase: number; barcodeOf: (index: number) => string }) {
  const fbwIndices = (): number[] => {
    if (controls.fbwEvery <= 0) return [];
    const list: number[] = [];
    for (let i = 0; i < catalog.size; i += controls.fbwEvery) list.push(i);
    return list;
  };

  const stocks = (request: SimRequest): SimResponse => {
    const from = parseDateFrom(request.query.get('dateFrom'));
    if (from === undefined) return statisticsError(['dateFrom: field required or invalid']);
    const rows = fbwIndices()
      .flatMap((index) =>
        FBW_WAREHOUSES.map((warehouseName, w) => {
          const offer = catalog.get(index);
          const changed = catalog.baseTime + index * 1000 + w;
          return {
            changed,
            row: {
              lastChangeDate: moscowTime(changed),
              warehouseName,
              supplierArticle: offer.sku,
              nmId: ids.nmBase + index,
              barcode: ids.barcodeOf(index),
              quantity: intBetween(seed, index, 61 + w, 0, 40),
              inWayToClient: 0,
              inWayFromClient: 0,
              quantityFull: intBetween(seed, index, 61 + w, 0, 40),
              category: 'Дом',
              subject: 'Товары для дома',
              brand: offer.brand,
              techSize: '0',
              Price: offer.priceMinor / 100,
              Discount: 0,
              isSupply: true,
              isRealization: false,
              SCCode: 'Tech',
            },
          };
        }),
      )
      .filter((r) => r.changed >= Math.floor(from / 1000) * 1000)
      .sort((a, b) => a.changed - b.changed)
      .slice(0, STOCK_ROWS)
      .map((r) => r.row);
    return { status: 200, body: rows };
  };

  const orderRow = (index: number, createdAt: number, srid: string, warehouseType: string, warehouseName: string, priceMinor: number, isCancel: boolean) => {
    const offer = catalog.get(index);
    const total = priceMinor / 100;
    const discountPercent = 10;
    const priceWithDisc = Math.round(total * 0.9 * 100) / 100;
    return {
      changed: createdAt + 3_600_000,
      row: {
        date: moscowTime(createdAt),
        lastChangeDate: moscowTime(createdAt + 3_600_000),
        warehouseName,
        warehouseType,
        countryName: 'Россия',
        oblastOkrugName: 'Центральный федеральный округ',
        regionName: 'Московская',
        supplierArticle: offer.sku,
        nmId: ids.nmBase + index,
        barcode: ids.barcodeOf(index),
        category: 'Дом',
        subject: 'Товары для дома',
        brand: offer.brand,
        techSize: '0',
        incomeID: 56_735_459,
        isSupply: false,
        isRealization: true,
        totalPrice: total,
        discountPercent,
        spp: 5,
        finishedPrice: Math.round(priceWithDisc * 0.95 * 100) / 100,
        priceWithDisc,
        isCancel,
        cancelDate: isCancel ? moscowTime(createdAt + DAY_MS) : '0001-01-01T00:00:00',
        sticker: String(900_000_000 + index),
        gNumber: String(34_343_462_218_572_569_531n + BigInt(index)),
        srid,
      },
    };
  };

  const ordersList = (request: SimRequest): SimResponse => {
    const from = parseDateFrom(request.query.get('dateFrom'));
    if (from === undefined) return statisticsError(['dateFrom: field required or invalid']);
    const now = Date.now();
    // Seller-warehouse (FBS) orders appear here too; WB-held ones only for FBW offers.
    const fbs = orders.all().map((order) => {
      const line = order.lines[0] ?? { index: 0, quantity: 1, priceMinor: 100 };
      return orderRow(line.index, order.createdAt, `fbs.${order.id}`, 'Склад продавца', 'Склад 1', line.priceMinor, order.status === 'cancelled');
    });
    const fbw = fbwIndices().map((index) => {
      const createdAt = now - ((index % 20) + 1) * DAY_MS;
      const name = FBW_WAREHOUSES[index % FBW_WAREHOUSES.length] as string;
      return orderRow(index, createdAt, `${index}.fbw${seed}e${index}.0.0`, 'Склад WB', name, catalog.get(index).priceMinor, index % 3 === 0);
    });
    const rows = [...fbs, ...fbw]
      .filter((r) => r.changed >= Math.floor(from / 1000) * 1000)
      .sort((a, b) => a.changed - b.changed)
      .slice(0, ORDER_ROWS)
      .map((r) => r.row);
    return { status: 200, body: rows };
  };

  return { stocks, orders: ordersList };
}
