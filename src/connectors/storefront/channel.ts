import { z } from 'zod';
import { secret, type ChannelDefinition } from '../channel.js';
import { StorefrontConnector } from './connector.js';

export const storefrontChannel: ChannelDefinition<'STOREFRONT'> = {
  channel: 'STOREFRONT',
  description: 'The own storefront backend.',
  credentials: z.strictObject({ token: secret('token') }),
  defaultBaseUrl: null,
  declared: [{ name: 'Storefront', credentials: { token: 'STOREFRONT_TOKEN' }, baseUrlEnv: 'STOREFRONT_URL' }],
  connect: (account, context) => new StorefrontConnector(account, context),
};
