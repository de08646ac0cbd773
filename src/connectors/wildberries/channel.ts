import { z } from 'zod';
import { secret, type ChannelDefinition } from '../channel.js';
import { WildberriesConnector } from './connector.js';

export const wildberriesChannel: ChannelDefinition<'WILDBERRIES'> = {
  channel: 'WILDBERRIES',
  description: 'Wildberries seller API.',
  credentials: z.strictObject({ token: secret('token') }),
  defaultBaseUrl: null,
  declared: [{ name: 'Wildberries', credentials: { token: 'WB_TOKEN' }, baseUrlEnv: 'WB_URL' }],
  connect: (account, context) => new WildberriesConnector(account, context),
};
