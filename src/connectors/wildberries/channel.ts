import { z } from 'zod';
import { optionFields, secret, urlOption, type ChannelDefinition } from '../channel.js';
import { WildberriesConnector } from './connector.js';

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
  defaultBaseUrl: null,
  declared: [{ name: 'Wildberries', credentials: { token: 'WB_TOKEN' }, baseUrlEnv: 'WB_URL' }],
  connect: (account, context) => new WildberriesConnector(account, context),
};
