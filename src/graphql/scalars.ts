import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import { builder } from './builder.js';

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
// A calendar date (YYYY-MM-DD) with no time zone, such as a batch date.
builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: (value) => {
    const text = LocalDateResolver.parseValue(value) as string;
    return new Date(`${text}T00:00:00.000Z`);
  },
  parseLiteral: (ast) => new Date(`${LocalDateResolver.parseLiteral(ast, {}) as string}T00:00:00.000Z`),
});
