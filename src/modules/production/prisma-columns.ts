/**
 * Which SQL table and columns hold a Prisma model's fields, for SQL written by hand (the batch
 * page, batch-connection.schema.ts). It is read from the Prisma client's own runtime data model,
 * so a field or model given `@map` / `@@map` is known here: hand-written SQL reads only fields whose
 * column has the field's name and refuses the others (graphql-js and Prisma answer them), rather
 * than reading a column of that name that is not the field's.
 */

interface RuntimeModel {
  dbName?: string | null;
  fields: Array<{ name: string; kind: string; dbName?: string | null }>;
}

/** A model's table and the scalar fields stored in a column of their own name. */
export interface ModelColumns {
  table: string;
  /** Scalar fields whose column has the field's name. */
  plain: ReadonlySet<string>;
}

/**
 * The table of `model` and its unmapped scalar fields, from `prisma`'s runtime data model; null
 * when the model is mapped to another table or the client does not expose its data model (a Prisma
 * upgrade): then nothing of it is written by hand. Read per plan (a few dozen fields), so it always
 * tells what the client itself uses.
 */
export function modelColumns(prisma: unknown, model: string): ModelColumns | null {
  const runtime = (prisma as { _runtimeDataModel?: { models?: Record<string, RuntimeModel> } } | null)?._runtimeDataModel?.models?.[model];
  if (!runtime || (runtime.dbName != null && runtime.dbName !== model)) return null;
  return { table: model, plain: new Set(runtime.fields.filter((f) => f.kind !== 'object' && (f.dbName == null || f.dbName === f.name)).map((f) => f.name)) };
}
