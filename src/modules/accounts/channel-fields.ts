/**
 * The fields of each channel's credentials and options, read from its zod schemas (the ones that
 * validate them), so the API can serve forms and README can be checked without a second list.
 */
import type { z } from 'zod';
import { channelRegistry } from '../../connectors/channels.js';
import { fieldDescriptions } from '../../connectors/channel.js';
import type { Channel } from '../../connectors/connector.js';

export type ChannelFieldType = 'STRING' | 'URL' | 'INT' | 'NUMBER' | 'BOOLEAN';

export interface ChannelField {
  /** Dotted for nested options, e.g. `hosts.content`. */
  name: string;
  type: ChannelFieldType;
  required: boolean;
  description: string;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; shape?: Record<string, z.ZodType>; format?: string };
const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def;

/** The value type a schema accepts: a pipe is a URL when any of its stages is one, else its input's type. */
function typeOf(schema: z.ZodType): ChannelFieldType {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return typeOf(def.innerType!);
    case 'pipe': {
      const [input, output] = [typeOf(def.in!), defOf(def.out!).type === 'transform' ? null : typeOf(def.out!)];
      return input === 'URL' || output === 'URL' ? 'URL' : input;
    }
    case 'string':
      return def.format === 'url' ? 'URL' : 'STRING';
    case 'number':
      return (schema as z.ZodNumber).isInt ? 'INT' : 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      throw new Error(`channel field of zod type ${def.type} has no API type yet`);
  }
}

const unwrapped = (schema: z.ZodType): { schema: z.ZodType; optional: boolean } => {
  const def = defOf(schema);
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') return { schema: unwrapped(def.innerType!).schema, optional: true };
  return { schema, optional: false };
};

function fieldsOf(shape: Record<string, z.ZodType>, prefix: string, parentOptional: boolean): ChannelField[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const name = `${prefix}${key}`;
    const inner = unwrapped(schema);
    const required = !parentOptional && !inner.optional;
    const nested = defOf(inner.schema).type === 'object' ? defOf(inner.schema).shape : undefined;
    if (nested) return fieldsOf(nested, `${name}.`, !required);
    const description = schema.description ?? inner.schema.description ?? fieldDescriptions[name];
    if (!description) throw new Error(`channel field ${name} has no description (add it to fieldDescriptions in connectors/channel.ts)`);
    return [{ name, type: typeOf(schema), required, description }];
  });
}

export const credentialFields = (channel: Channel) => fieldsOf(channelRegistry[channel].credentials.shape, '', false);
export const optionFieldsOf = (channel: Channel) => fieldsOf(channelRegistry[channel].options.shape as Record<string, z.ZodType>, '', false);
