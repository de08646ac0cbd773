import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { builder } from './builder.js';
import { storableDate } from '../shared/date-range.js';
import { OversizedUpload } from '../modules/files/upload-limit.js';

/** A parsed date the database can store (see date-range.ts), or a refusal. */
const inRange = (name: string) => (date: Date) => {
  const storable = storableDate(date);
  if (typeof storable === 'string') throw new GraphQLError(`${name} ${storable}`);
  return storable;
};

// graphql-scalars' DateTime (same name, description and parsing), with the storable range on top.
const dateTime = DateTimeResolver.toConfig();
const dateTimeInRange = inRange('DateTime');
builder.addScalarType(
  'DateTime',
  new GraphQLScalarType({
    ...dateTime,
    parseValue: (value) => dateTimeInRange(dateTime.parseValue!(value) as Date),
    parseLiteral: (ast, variables) => dateTimeInRange(dateTime.parseLiteral!(ast, variables) as Date),
  }),
);
builder.addScalarType('JSON', JSONResolver);
// A calendar date (YYYY-MM-DD) with no time zone, such as a batch date.
const dateInRange = inRange('Date');
builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: (value) => {
    const text = LocalDateResolver.parseValue(value) as string;
    return dateInRange(new Date(`${text}T00:00:00.000Z`));
  },
  parseLiteral: (ast) => dateInRange(new Date(`${LocalDateResolver.parseLiteral(ast, {}) as string}T00:00:00.000Z`)),
});

// Exact decimals travel as strings so no client ever rounds money through a float.
const DECIMAL = /^-?\d{1,12}(\.\d{1,2})?$/;
const parseDecimal = (value: unknown): string => {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL.test(text.trim())) {
    throw new GraphQLError(`Decimal must be a number with at most 12 integer and 2 fraction digits, as a string like "12.50"; got ${JSON.stringify(value)}`);
  }
  return text.trim();
};
builder.scalarType('Decimal', {
  description: 'An exact decimal such as a price, as a string ("12.50"); at most 12 integer and 2 fraction digits.',
  // Stored money is numeric(14, 2): always print both fraction digits ("160.50", not "160.5").
  serialize: (value) => (typeof value === 'object' && value !== null && 'toFixed' in value ? (value as { toFixed(d: number): string }).toFixed(2) : String(value)),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT ? ast.value : undefined),
});

// Uploads arrive as multipart parts (graphql-yoga parses the GraphQL multipart request spec).
// Only a part of the request is a file: a string or object in its place is bad input, not a crash later.
const notAFile = () =>
  new GraphQLError('File must be an upload: send the file as a part of a multipart request (GraphQL multipart request spec) and map it to this variable', {
    extensions: { code: 'BAD_USER_INPUT' },
  });
builder.scalarType('File', {
  description: 'A file upload, sent as a part of a multipart request (GraphQL multipart request spec).',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  // An upload over the size limit arrives as the plugin's stand-in (a typed FILE_TOO_LARGE later), also accepted.
  parseValue: (value) => {
    // Duck-typed: the server's fetch implementation has File classes of its own.
    const blob = value as Partial<File> | null;
    if (value instanceof OversizedUpload || (typeof blob?.stream === 'function' && typeof blob.arrayBuffer === 'function' && typeof blob.size === 'number')) return value as File;
    throw notAFile();
  },
  parseLiteral: () => {
    throw notAFile();
  },
});
