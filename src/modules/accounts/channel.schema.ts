import { channelRegistry, channels } from '../../connectors/channels.js';
import { builder } from '../../graphql/builder.js';
import { Channel, ConflictStrategy } from './account.schema.js';
import { credentialFields, optionFieldsOf } from './channel-fields.js';

const ChannelFieldType = builder.enumType('ChannelFieldType', {
  description: 'The JSON value type a channel field takes.',
  values: {
    STRING: { description: 'Text.' },
    URL: { description: 'An http(s) URL.' },
    INT: { description: 'A whole number.' },
    NUMBER: { description: 'A number.' },
    BOOLEAN: { description: 'true or false.' },
  } as const,
});

const ChannelField = builder.simpleObject('ChannelField', {
  description: 'One credential or option field of a channel, as its validation schema defines it.',
  fields: (t) => ({
    name: t.string({ description: 'The field name; a dotted name is nested in the input (hosts.content is { "hosts": { "content": … } }).' }),
    type: t.field({ type: ChannelFieldType, description: 'The JSON type of its value.' }),
    required: t.boolean({ description: 'Whether an account must give it.' }),
    description: t.string({ description: 'What it is, where the seller finds it, and its default.' }),
  }),
});

const ChannelInfo = builder.simpleObject('ChannelInfo', {
  description: 'What an account of one channel needs, for building account forms.',
  fields: (t) => ({
    channel: t.field({ type: Channel, description: 'The channel, as accounts and filters name it.' }),
    description: t.string({ description: 'One line saying what the channel is.' }),
    defaultBaseUrl: t.string({ nullable: true, description: 'The API everyone uses; null when each account must give its own baseUrl.' }),
    defaultConflictStrategy: t.field({ type: ConflictStrategy, description: 'The strategy an account of this channel gets when createAccount (or the environment declaring it) names none.' }),
    defaultConflictStrategyReason: t.string({ description: 'Why the channel defaults to it.' }),
    credentialFields: t.field({ type: [ChannelField], description: 'The fields of createAccount credentials for this channel (stored encrypted, never returned).' }),
    optionFields: t.field({ type: [ChannelField], description: 'The fields of createAccount/updateAccount options for this channel (non-secret, returned on the account).' }),
  }),
});

// Read from the schemas once, at load: they never change, and a field without a description
// fails the start, not a user's request.
const channelInfos = channels.map((channel) => ({
  channel,
  description: channelRegistry[channel].description,
  defaultBaseUrl: channelRegistry[channel].defaultBaseUrl,
  defaultConflictStrategy: channelRegistry[channel].defaultConflictStrategy.strategy,
  defaultConflictStrategyReason: channelRegistry[channel].defaultConflictStrategy.reason,
  credentialFields: credentialFields(channel),
  optionFields: optionFieldsOf(channel),
}));

builder.queryField('channels', (t) =>
  t.field({
    type: [ChannelInfo],
    authScopes: { viewer: true },
    description: 'Every channel with the credential and option fields its accounts take.',
    resolve: () => channelInfos,
  }),
);
