import { z } from 'zod';
import { optionFields, secret, type ChannelDefinition } from '../channel.js';
import { StorefrontConnector } from './connector.js';

export const storefrontChannel: ChannelDefinition<'STOREFRONT'> = {
  channel: 'STOREFRONT',
  description: 'The own storefront backend.',
  credentials: z.strictObject({ token: secret('token') }),
  options: z.strictObject({
    pageSize: optionFields.pageSize,
    currency: z.string({ error: 'currency must be a string' }).trim().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as RON').optional(),
  }),
  defaultBaseUrl: null,
  defaultConflictStrategy: {
    strategy: 'LOCAL_PRIORITY',
    reason: "The storefront system promised that a user's changes are never overwritten by a sync: an unconfirmed edit stands and its push is queued again.",
  },
  declared: [{ name: 'Storefront', credentials: { token: 'STOREFRONT_TOKEN' }, baseUrlEnv: 'STOREFRONT_URL', options: { currency: 'STOREFRONT_CURRENCY' } }],
  connect: (account, context) => new StorefrontConnector(account, context),
};
