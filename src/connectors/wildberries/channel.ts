import { z } from 'zod';
import { optionFields, secret, urlOption, type ChannelDefinition } from '../channel.js';
import { WildberriesConnector } from './connector.js';
import { WB_DEFAULT_BASE_URL } from './hosts.js';

export const wildberriesChannel: ChannelDefinition<'WILDBERRIES'> = {
  channel: 'WILDBERRIES',
  description: 'Wildberries seller API.',
  credentials: z.strictObject({ token: secret('token') }),
  options: z.strictObject({
    pageSize: optionFields.pageSize,
    defaultWarehouseId: optionFields.defaultWarehouseId,
    hosts: z
      .strictObject({ content: urlOption('hosts.content'), prices: urlOption('hosts.prices'), marketplace: urlOption('hosts.marketplace'), statistics: urlOption('hosts.statistics') })
      .optional(),
  }),
  // Each API has its own public host (hosts.ts); this default only says "the real Wildberries",
  // so a real account needs just its token. Any other base URL (a simulator) serves every API.
  defaultBaseUrl: WB_DEFAULT_BASE_URL,
  defaultConflictStrategy: {
    strategy: 'NEWEST_WINS',
    reason: 'No source system fixed a priority for Wildberries: an edit never loses to an older Wildberries value, and its own later changes (discounts, FBW stock, order statuses) are taken.',
  },
  declared: [
    {
      name: 'Wildberries',
      credentials: { token: 'WB_TOKEN' },
      baseUrlEnv: 'WB_URL',
      options: {
        'hosts.content': 'WB_CONTENT_URL',
        'hosts.prices': 'WB_PRICES_URL',
        'hosts.marketplace': 'WB_MARKETPLACE_URL',
        'hosts.statistics': 'WB_STATISTICS_URL',
        defaultWarehouseId: 'WB_WAREHOUSE_ID',
      },
    },
  ],
  connect: (account, context) => new WildberriesConnector(account, context),
};
