import { z } from 'zod';
import { optionFields, secret, type ChannelDefinition } from '../channel.js';
import { OzonConnector } from './connector.js';

export const ozonChannel: ChannelDefinition<'OZON'> = {
  channel: 'OZON',
  description: 'Ozon Seller API.',
  credentials: z.strictObject({
    clientId: z.string({ error: 'clientId is required' }).trim().regex(/^\d+$/, 'clientId must be digits (the Client-Id of the Ozon seller)'),
    apiKey: secret('apiKey'),
  }),
  options: z.strictObject({
    pageSize: optionFields.pageSize,
    defaultWarehouseId: optionFields.defaultWarehouseId,
  }),
  defaultBaseUrl: 'https://api-seller.ozon.ru',
  defaultConflictStrategy: {
    strategy: 'NEWEST_WINS',
    reason: "No source system fixed a priority for Ozon: an edit never loses to an older Ozon value, and Ozon's own later changes (its price actions, FBO stock, posting statuses) are taken.",
  },
  declared: [{ name: 'Ozon', credentials: { clientId: 'OZON_CLIENT_ID', apiKey: 'OZON_API_KEY' }, baseUrlEnv: 'OZON_URL', options: { defaultWarehouseId: 'OZON_WAREHOUSE_ID' } }],
  connect: (account, context) => new OzonConnector(account, context),
};
