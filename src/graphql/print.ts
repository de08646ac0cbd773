import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './schema.js';

export function printSchemaSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
