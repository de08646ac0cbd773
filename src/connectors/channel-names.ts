/**
 * The channels' names, in the order lists and statistics show them, without their connectors: what
 * a client such as the CLI needs. channels.ts keys its registry by them (a name without a channel
 * definition, or a definition without a name, does not compile).
 */
export const channelNames = ['EMAG', 'OZON', 'WILDBERRIES', 'STOREFRONT'] as const;

export type Channel = (typeof channelNames)[number];
