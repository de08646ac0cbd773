import DataLoader from 'dataloader';

// One cache per request context: a loader never serves one caller's data to another request.
const loaders = new WeakMap<object, Map<string, DataLoader<unknown, unknown>>>();

/**
 * The DataLoader named `key` for this request, made on first use. Fields that cannot be batched by
 * the Prisma plugin's selections (aggregates, lookups without a relation) load through one of these,
 * so a page of N parents costs one statement, not N.
 */
export function requestLoader<K, V>(ctx: object, key: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
  let byKey = loaders.get(ctx);
  if (!byKey) loaders.set(ctx, (byKey = new Map()));
  let loader = byKey.get(key);
  if (!loader) byKey.set(key, (loader = make() as DataLoader<unknown, unknown>));
  return loader as DataLoader<K, V>;
}
