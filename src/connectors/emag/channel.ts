import { z } from 'zod';
import { optionFields, secret, type ChannelDefinition } from '../channel.js';
import { EmagConnector } from './connector.js';
import { isTimeZone } from '../../shared/time-zone.js';


export const emagChannel: ChannelDefinition<'EMAG'> = {
  channel: 'EMAG',
  description: 'eMAG Marketplace (MAIN or FBE fulfillment).',
  credentials: z.strictObject({ username: secret('username'), password: secret('password') }),
  options: z.strictObject({
    // eMAG pages hold at most 100 items.
    pageSize: optionFields.pageSize.refine((size) => size === undefined || size <= 100, 'pageSize is at most 100 on eMAG'),
    defaultWarehouseId: optionFields.defaultWarehouseId,
    timeZone: z.string({ error: 'timeZone must be a string' }).trim().refine(isTimeZone, 'timeZone must be an IANA zone such as Europe/Bucharest').optional(),
    acknowledgeOrders: z.boolean({ error: 'acknowledgeOrders must be true or false' }).optional(),
  }),
  defaultBaseUrl: 'https://marketplace-api.emag.ro/api-3',
  defaultConflictStrategy: {
    strategy: 'REMOTE_PRIORITY',
    reason: "eMAG's own integration made eMAG the source of truth: a value changed on eMAG replaces an unconfirmed edit (an order status edit still stands against an eMAG value older than it).",
  },
  declared: [
    {
      name: 'eMAG MAIN',
      fulfillment: 'MAIN',
      credentials: { username: 'EMAG_MAIN_USERNAME', password: 'EMAG_MAIN_PASSWORD' },
      baseUrlEnv: 'EMAG_MAIN_URL',
      options: { timeZone: 'EMAG_MAIN_TIME_ZONE', acknowledgeOrders: 'EMAG_MAIN_ACK_ORDERS', defaultWarehouseId: 'EMAG_MAIN_WAREHOUSE_ID' },
    },
    {
      name: 'eMAG FBE',
      fulfillment: 'FBE',
      credentials: { username: 'EMAG_FBE_USERNAME', password: 'EMAG_FBE_PASSWORD' },
      baseUrlEnv: 'EMAG_FBE_URL',
      options: { timeZone: 'EMAG_FBE_TIME_ZONE', acknowledgeOrders: 'EMAG_FBE_ACK_ORDERS' },
    },
  ],
  connect: (account, context) => new EmagConnector(account, context),
};
