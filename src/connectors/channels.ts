/**
 * The channel registry: every channel the service speaks to, in the order lists and statistics
 * show them. Accounts (credential shapes, declared accounts), statistics and the API's Channel
 * enum read it; to add a channel, add its `connectors/<vendor>/channel.ts` here.
 */
import type { ChannelDefinition } from './channel.js';
import { channelNames, type Channel } from './channel-names.js';
import { emagChannel } from './emag/channel.js';
import { ozonChannel } from './ozon/channel.js';
import { storefrontChannel } from './storefront/channel.js';
import { wildberriesChannel } from './wildberries/channel.js';

export const channelRegistry: { readonly [C in Channel]: ChannelDefinition<C> } = {
  EMAG: emagChannel,
  OZON: ozonChannel,
  WILDBERRIES: wildberriesChannel,
  STOREFRONT: storefrontChannel,
};

/** Every channel, in the order of channel-names.ts. */
export const channels = [...channelNames] as [Channel, ...Channel[]];
