/**
 * Wildberries price uploads as the prices API runs them (02-products.yaml, "Цены и скидки"): an
 * upload is a task processed later; unchanged prices are a 400; the same upload again while it
 * is pending is a 208 naming the existing task; the outcome per item is read from
 * `/api/v2/history/tasks` and `/api/v2/history/goods/task`. A discounted price cut to a third or
 * less goes to price quarantine: that item fails and keeps its old price.
 */
import { int, obj } from '../shared/body.js';
import type { Catalog } from '../shared/catalog.js';
import type { SimRequest, SimResponse } from '../shared/server.js';
import type { ControlState } from './controls.js';

export const QUARANTINE_TEXT = 'The new price is several times lower than the current price. Item has been moved to Price Quarantine';
const ALREADY_SET = 'The specified prices and discounts are already set';

interface TaskItem {
  index: number;
  nmID: number;
  price: number;
  errorText: string | null;
}
interface Task {
  id: number;
  key: string;
  uploadedAt: number;
  readyAt: number;
  items: TaskItem[];
  processed: boolean;
}

export const pricesError = (status: number, errorText: string): SimResponse => ({ status, body: { data: null, error: true, errorText } });

export function priceTasks(catalog: Catalog, controls: ControlState, nm: { base: number; chrtBase: number; discountOf: (index: number) => number }) {
  const tasks = new Map<number, Task>();
  let lastId = 9_000_000;

  const nmIndex = (value: unknown): number | undefined => {
    const id = int(value);
    const index = id === undefined ? -1 : id - nm.base;
    return index >= 0 && index < catalog.size ? index : undefined;
  };

  /** Applies every task whose processing time has come (called before each prices answer). */
  const settle = (now = Date.now()) => {
    for (const task of tasks.values()) {
      if (task.processed || task.readyAt > now) continue;
      task.processed = true;
      for (const item of task.items) {
        const current = catalog.get(item.index).priceMinor / 100;
        if (item.price * 3 <= current) item.errorText = QUARANTINE_TEXT;
        else catalog.update(item.index, { priceMinor: item.price * 100 });
      }
    }
  };

  const upload = (request: SimRequest): SimResponse => {
    settle();
    const list = obj(request.body).data;
    if (!Array.isArray(list) || list.length === 0) return pricesError(400, 'Empty data');
    if (list.length > 1000) return pricesError(400, 'Upload limit exceeded: You can upload a maximum of 10 000 items');
    const items: TaskItem[] = [];
    const seen = new Set<number>();
    for (const raw of list) {
      const entry = obj(raw);
      const index = nmIndex(entry.nmID);
      if (index === undefined) return pricesError(400, 'Invalid item No.');
      if (seen.has(index)) return pricesError(400, 'Duplicate item Nos.');
      seen.add(index);
      if (entry.price === undefined) return pricesError(400, 'Price and discount not specified');
      if (typeof entry.price === 'number' && !Number.isInteger(entry.price)) return pricesError(400, 'Price should be a whole number');
      const price = int(entry.price);
      if (price === undefined || price <= 0) return pricesError(400, 'Invalid price value');
      items.push({ index, nmID: nm.base + index, price, errorText: null });
    }
    const key = items.map((i) => `${i.nmID}=${i.price}`).sort().join(',');
    const pending = [...tasks.values()].find((t) => !t.processed && t.key === key);
    if (pending) return { status: 208, body: { data: { id: pending.id, alreadyExists: true }, error: false, errorText: 'This task already exists' } };
    if (items.every((i) => catalog.get(i.index).priceMinor === i.price * 100)) return pricesError(400, ALREADY_SET);
    const now = Date.now();
    lastId += 1;
    tasks.set(lastId, { id: lastId, key, uploadedAt: now, readyAt: now + controls.priceTaskDelayMs, items, processed: false });
    settle(now);
    return { status: 200, body: { data: { id: lastId, alreadyExists: false }, error: false, errorText: '' } };
  };

  const taskOf = (request: SimRequest): Task | undefined | 'invalid' => {
    const id = int(request.query.get('uploadID') ?? undefined);
    if (id === undefined) return 'invalid';
    return tasks.get(id);
  };

  const history = (request: SimRequest): SimResponse => {
    settle();
    const task = taskOf(request);
    if (task === 'invalid') return pricesError(400, 'Invalid request parameters');
    // Not yet processed (or unknown): no metadata yet.
    if (!task || !task.processed) return { status: 200, body: { data: null, error: false, errorText: '' } };
    const failedItems = task.items.filter((i) => i.errorText !== null).length;
    const status = failedItems === 0 ? 3 : failedItems === task.items.length ? 6 : 5;
    const at = new Date(task.uploadedAt).toISOString();
    return {
      status: 200,
      body: {
        data: { uploadID: task.id, status, uploadDate: at, activationDate: at, overAllGoodsNumber: task.items.length, successGoodsNumber: task.items.length - failedItems },
        error: false,
        errorText: '',
      },
    };
  };

  const historyGoods = (request: SimRequest): SimResponse => {
    settle();
    const limit = int(request.query.get('limit') ?? undefined);
    const offset = int(request.query.get('offset') ?? '0');
    const task = taskOf(request);
    if (task === 'invalid' || limit === undefined || limit < 1 || limit > 1000 || offset === undefined || offset < 0) {
      return pricesError(400, 'Invalid request parameters');
    }
    const items = task?.processed ? task.items.slice(offset, offset + limit) : [];
    return {
      status: 200,
      body: {
        data: {
          uploadID: task?.id ?? null,
          historyGoods: items.map((item) => {
            const offer = catalog.get(item.index);
            return {
              nmID: item.nmID,
              vendorCode: offer.sku,
              sizeID: nm.chrtBase + item.index,
              techSizeName: '0',
              price: item.price,
              currencyIsoCode4217: 'RUB',
              discount: nm.discountOf(item.index),
              clubDiscount: 0,
              status: item.errorText === null ? 2 : 3,
              errorText: item.errorText ?? '',
            };
          }),
        },
        error: false,
        errorText: '',
      },
    };
  };

  return { upload, history, historyGoods, settle };
}
