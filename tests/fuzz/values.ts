/**
 * fast-check arbitraries of hostile GraphQL argument values, by input type: mostly values of the
 * right shape with nasty content (NUL, lone surrogates, megabyte text, edge numbers, prototype keys,
 * deep nesting, nonexistent and malformed ids, bad enums), sometimes values of the wrong type.
 */
import fc from 'fast-check';
import { isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, type GraphQLInputType } from 'graphql';

const MEGABYTE = 'x'.repeat(1024 * 1024 + 7);
const NEAR_MEGABYTE = 'é'.repeat(400_000);

const deep = (depth: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { d: value };
  return value;
};

/** Objects whose own keys are prototype names, as JSON.parse makes them (an object literal would set the prototype). */
export const prototypeKeyed = () =>
  JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}') as Record<string, unknown>;

const wrongType = fc.constantFrom<unknown>(null, 0, -1, 1.5, 'text', true, {}, [], [[[]]], { a: { b: 1 } }, '1', 'true', 'null', 'NaN', 'Infinity', 1e308, -1e308);

const text = fc.constantFrom<unknown>(
  'Fuzz',
  '',
  ' ',
  '\t\n',
  'nul\u0000inside',
  '\u0000',
  'lone \ud800 high',
  'lone \udc00 low',
  '\ud83d',
  'emoji 🚀 ok',
  "'; DROP TABLE \"Batch\"; --",
  '%_\\',
  '__proto__',
  'constructor',
  '<script>alert(1)</script>',
  '\u202eRTL',
  'x'.repeat(300),
  'x'.repeat(10_001),
  NEAR_MEGABYTE,
  MEGABYTE,
);

const numbers = {
  Int: fc.constantFrom<unknown>(0, 1, -1, 2147483647, -2147483648, 2147483648, -2147483649, 9007199254740993, 1.5, -0, 1e308),
  Float: fc.constantFrom<unknown>(0, -0, 1.5, -1, 1e308, -1e308, 5e-324, 2147483648, 9007199254740993),
};

const dates = {
  DateTime: fc.constantFrom<unknown>(
    '2026-11-20T08:00:00.000Z',
    '2026-11-20T08:00:00+03:00',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00.000Z',
    '-000001-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-11-20',
    'yesterday',
    '',
    0,
    8.64e15,
  ),
  Date: fc.constantFrom<unknown>('2026-11-20', '0000-01-01', '0001-01-01', '9999-12-31', '2026-02-30', '2026-13-01', '20261120', '', 'x\u0000'),
  Decimal: fc.constantFrom<unknown>('12.50', '0', '-0.01', '999999999999.99', '-999999999999.99', '1000000000000', '1e3', 'NaN', '12.505', 12.5, -1, 1e308, ''),
};

const json = fc.constantFrom<unknown>({}, [], 'text', 0, null, { a: 'nul\u0000' }, { 'k\u0000': 1 }, deep(40), deep(3000), Array.from({ length: 20_000 }, (_, i) => i));

const fileLike = fc.constantFrom<unknown>('file.csv', {}, { name: 'x.csv', size: 1 }, null);

/** Values for an ID: existing rows, well-formed ids of nothing, and malformed ones. */
const ids = (existing: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: existing.length ? fc.constantFrom(...existing) : fc.uuid() },
    { weight: 3, arbitrary: fc.uuid() },
    {
      weight: 3,
      arbitrary: fc.constantFrom<unknown>('not-a-uuid', '', '0', 42, -1, '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '123e4567-e89b-12d3-a456-42661417400\u0000', '123e4567-e89b-12d3-a456-4266141740000', "1' OR '1'='1"),
    },
  );

function scalar(name: string, existingIds: string[]): fc.Arbitrary<unknown> {
  switch (name) {
    case 'String':
      return text;
    case 'ID':
      return ids(existingIds);
    case 'Int':
    case 'Float':
      return numbers[name];
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
    case 'Date':
    case 'Decimal':
      return dates[name];
    case 'JSON':
      return json;
    case 'File':
      return fileLike;
    default:
      return text;
  }
}

/** Hostile values for an argument or input field of `type`. */
export function valueOf(type: GraphQLInputType, existingIds: string[], depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 30, arbitrary: valueOf(type.ofType, existingIds, depth) }, { weight: 1, arbitrary: fc.constant(null) });
  const right = rightShape(type, existingIds, depth);
  return fc.oneof({ weight: 12, arbitrary: right }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: fc.constant(undefined) });
}

function rightShape(type: GraphQLInputType, existingIds: string[], depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueOf(type, existingIds, depth);
  if (isListType(type)) {
    return fc.oneof(
      { weight: 6, arbitrary: fc.array(valueOf(type.ofType, existingIds, depth + 1), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.constant(Array.from({ length: 20_001 }, (_, i) => `item-${i}`)) },
    );
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constantFrom('NOPE', '', values[0]!.toLowerCase(), `${values[0]}\u0000`) });
  }
  if (isScalarType(type)) return scalar(type.name, existingIds);
  if (isInputObjectType(type)) {
    if (depth > 5) return fc.constant(null);
    const fields = Object.values(type.getFields());
    const record = fc.record(Object.fromEntries(fields.map((f) => [f.name, valueOf(f.type, existingIds, depth + 1)])), {
      requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
    });
    return fc.oneof(
      { weight: 8, arbitrary: record },
      { weight: 1, arbitrary: record.map((r) => ({ ...r, ...prototypeKeyed() })) },
      { weight: 1, arbitrary: fc.constant(deep(500)) },
    );
  }
  return wrongType;
}
