/**
 * The statistics API (12-reports.yaml): WB-held (FBW) stock and every order, one request per
 * minute per report, data refreshed every 30 minutes. Its dates are Moscow time (UTC+3, no DST
 * since 2014) without a zone; a report longer than its row cap continues from the last row's
 * `lastChangeDate`.
 */
import type { WbClient } from './client.js';
import { statisticsOrdersAnswer, statisticsStocksAnswer, type WbStatisticsOrder } from './schemas.js';

const MOSCOW_OFFSET_MS = 3 * 3_600_000;
const STOCK_ROWS = 60_000;
export const ORDER_ROWS = 80_000;
/** "The earliest possible" dateFrom, for the whole current stock. */
const ALL_STOCK_FROM = '2019-06-20';
/** WB refreshes these reports every 30 minutes: reading more often only spends the 1/min budget. */
export const STATISTICS_TTL_MS = 30 * 60_000;

export const toMoscowTime = (date: Date): string => new Date(date.getTime() + MOSCOW_OFFSET_MS).toISOString().slice(0, 19);

export function fromMoscowTime(value: string): Date {
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(value)) return new Date(value);
  return new Date(`${value.length === 10 ? `${value}T00:00:00` : value}+03:00`);
}

/** Warehouse type of WB's own warehouses in the orders report (the seller's are "Склад продавца"). */
export const isWbWarehouse = (row: WbStatisticsOrder) => row.warehouseType === 'Склад WB';

export function statisticsOrdersPage(client: WbClient, dateFrom: string, signal?: AbortSignal, page?: number) {
  return client.call(
    { host: 'statistics', method: 'GET', path: '/api/v1/supplier/orders', query: { dateFrom, flag: 0 }, budget: 'statisticsOrders', signal, page },
    statisticsOrdersAnswer,
  );
}

/** WB-held stock per barcode and WB warehouse: barcode → warehouse name → units. */
export async function readFbwStock(client: WbClient, signal?: AbortSignal): Promise<Map<string, Map<string, number>>> {
  const stock = new Map<string, Map<string, number>>();
  let dateFrom = ALL_STOCK_FROM;
  for (;;) {
    const rows = await client.call(
      { host: 'statistics', method: 'GET', path: '/api/v1/supplier/stocks', query: { dateFrom }, budget: 'statisticsStocks', signal },
      statisticsStocksAnswer,
    );
    for (const row of rows) {
      if (!row.barcode) continue;
      const perWarehouse = stock.get(row.barcode) ?? new Map<string, number>();
      perWarehouse.set(row.warehouseName, row.quantity);
      stock.set(row.barcode, perWarehouse);
    }
    const last = rows.at(-1);
    if (rows.length < STOCK_ROWS || !last || last.lastChangeDate === dateFrom) return stock;
    dateFrom = last.lastChangeDate;
  }
}
