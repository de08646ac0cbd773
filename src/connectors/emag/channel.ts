import { z } from 'zod';
import { secret, type ChannelDefinition } from '../channel.js';
import { EmagConnector } from './connector.js';

export const emagChannel: ChannelDefinition<'EMAG'> = {
  channel: 'EMAG',
  description: 'eMAG Marketplace (MAIN or FBE fulfillment).',
  credentials: z.strictObject({ username: secret('username'), password: secret('password') }),
  defaultBaseUrl: 'https://marketplace-api.emag.ro/api-3',
  declared: [
    { name: 'eMAG MAIN', fulfillment: 'MAIN', credentials: { username: 'EMAG_MAIN_USERNAME', password: 'EMAG_MAIN_PASSWORD' }, baseUrlEnv: 'EMAG_MAIN_URL' },
    { name: 'eMAG FBE', fulfillment: 'FBE', credentials: { username: 'EMAG_FBE_USERNAME', password: 'EMAG_FBE_PASSWORD' }, baseUrlEnv: 'EMAG_FBE_URL' },
  ],
  connect: (account, context) => new EmagConnector(account, context),
};
