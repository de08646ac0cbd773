/** zod schemas for the Wildberries content, prices, marketplace and statistics API responses. */
import { z } from 'zod';
import { intish, money } from '../shared/zod-helpers.js';

export const cardsAnswer = z.looseObject({
  cards: z.array(
    z.looseObject({
      nmID: z.number().int(),
      vendorCode: z.string(),
      title: z.string().nullish(),
      brand: z.string().nullish(),
      description: z.string().nullish(),
      subjectName: z.string().nullish(),
      photos: z.array(z.looseObject({ big: z.string().nullish() })).nullish(),
      sizes: z.array(
        z.looseObject({
          chrtID: z.number().int(),
          techSize: z.string().nullish(),
          skus: z.array(z.string()).nullish(),
        }),
      ),
      updatedAt: z.iso.datetime({ offset: true }).nullish(),
    }),
  ),
  cursor: z.looseObject({
    updatedAt: z.string().nullish(),
    nmID: z.number().int().nullish(),
    total: z.number().int(),
  }),
});
export type WbCard = z.output<typeof cardsAnswer>['cards'][number];

export const goodsAnswer = z.looseObject({
  data: z
    .looseObject({
      listGoods: z.array(
        z.looseObject({
          nmID: z.number().int(),
          vendorCode: z.string().nullish(),
          sizes: z.array(
            z.looseObject({
              sizeID: z.number().int(),
              price: money,
              discountedPrice: money.nullish(),
            }),
          ),
          currencyIsoCode4217: z.string().min(3),
        }),
      ),
    })
    .nullable(),
  error: z.boolean(),
  errorText: z.string().nullish(),
});
export type WbGoods = NonNullable<z.output<typeof goodsAnswer>['data']>['listGoods'][number];

export const warehousesAnswer = z.array(
  z.looseObject({
    id: z.number().int(),
    name: z.string().nullish(),
  }),
);

export const stocksAnswer = z.looseObject({
  stocks: z.array(z.looseObject({ chrtId: z.number().int(), amount: intish })),
});

/**
 * 409 on stock writes (StocksWarehouseError): an array of problems; `data[]` names the refused
 * items by barcode (`sku`) as the spec shows, or by `chrtId`; StoreIsProcessing has no data.
 */
export const stockConflict = z.array(
  z.looseObject({
    code: z.string(),
    message: z.string().nullish(),
    data: z.array(z.looseObject({ chrtId: z.number().int().nullish(), sku: z.string().nullish() })).nullish(),
  }),
);

/** The answer to a price upload: 200 TaskCreated, 208 RequestAlreadyExistsError, 400 ResponseError. */
export const uploadAnswer = z.looseObject({
  data: z.looseObject({ id: z.number().int().nullish(), alreadyExists: z.boolean().nullish() }).nullable(),
  error: z.boolean(),
  errorText: z.string().nullish(),
});

/** `/api/v2/history/tasks`: `data` is null until the upload is processed; status 3 ok, 4 cancelled, 5 some items failed, 6 all failed. */
export const taskHistoryAnswer = z.looseObject({
  data: z
    .looseObject({
      uploadID: z.number().int(),
      status: z.number().int(),
      overAllGoodsNumber: z.number().int().nullish(),
      successGoodsNumber: z.number().int().nullish(),
    })
    .nullish(),
  error: z.boolean().nullish(),
  errorText: z.string().nullish(),
});

/** `/api/v2/history/goods/task`: per item, status 2 applied, 3 refused with `errorText`. */
export const goodsHistoryAnswer = z.looseObject({
  data: z
    .looseObject({
      uploadID: z.number().int().nullish(),
      historyGoods: z
        .array(
          z.looseObject({
            nmID: z.number().int(),
            sizeID: z.number().int().nullish(),
            price: z.number().nullish(),
            status: z.number().int(),
            errorText: z.string().nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  error: z.boolean().nullish(),
  errorText: z.string().nullish(),
});

export const orderSchema = z.looseObject({
  id: z.number().int(),
  article: z.string(),
  nmId: z.number().int(),
  chrtId: z.number().int(),
  price: z.number().int(),
  finalPrice: z.number().int().nullish(),
  convertedPrice: z.number().int().nullish(),
  currencyCode: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type WbOrder = z.output<typeof orderSchema>;

export const ordersAnswer = z.looseObject({
  next: z.number().int(),
  orders: z.array(orderSchema),
});

export const orderStatusAnswer = z.looseObject({
  orders: z.array(
    z.looseObject({
      id: z.number().int(),
      supplierStatus: z.string(),
      wbStatus: z.string(),
    }),
  ),
});
export type WbOrderStatus = z.output<typeof orderStatusAnswer>['orders'][number];

export const pingAnswer = z.looseObject({ Status: z.string().optional() });

/** A statistics date: Moscow time without a zone (`2022-03-04T18:08:31`), or with one. */
const moscowDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/, 'must be a date-time');

/** `/api/v1/supplier/orders` (12-reports.yaml OrdersItem): one row per unit ordered, FBW and FBS alike. */
export const statisticsOrdersAnswer = z.array(
  z.looseObject({
    date: moscowDate,
    lastChangeDate: moscowDate,
    warehouseName: z.string().nullish(),
    warehouseType: z.string().nullish(),
    supplierArticle: z.string(),
    nmId: z.number().int(),
    barcode: z.string().nullish(),
    techSize: z.string().nullish(),
    totalPrice: z.number().nullish(),
    priceWithDisc: z.number().nullish(),
    finishedPrice: z.number().nullish(),
    isCancel: z.boolean().nullish(),
    srid: z.string().min(1),
  }),
);
export type WbStatisticsOrder = z.output<typeof statisticsOrdersAnswer>[number];

/** `/api/v1/supplier/stocks` (12-reports.yaml StocksItem): stock on WB's own warehouses. */
export const statisticsStocksAnswer = z.array(
  z.looseObject({
    lastChangeDate: moscowDate,
    warehouseName: z.string(),
    supplierArticle: z.string().nullish(),
    nmId: z.number().int(),
    barcode: z.string().nullish(),
    quantity: z.number().int(),
    techSize: z.string().nullish(),
  }),
);

/** `/content/v2/cards/error/list`: failed card creations/edits, errors keyed by vendor code; paged by cursor until `next` is false. */
export const cardErrorsAnswer = z.looseObject({
  data: z
    .looseObject({
      items: z.array(z.looseObject({ vendorCodes: z.array(z.string()).nullish(), errors: z.record(z.string(), z.array(z.string())).nullish() })).nullish(),
      cursor: z.looseObject({ next: z.boolean().nullish(), updatedAt: z.string().nullish(), batchUUID: z.string().nullish() }).nullish(),
    })
    .nullish(),
  error: z.boolean().nullish(),
  errorText: z.string().nullish(),
});
