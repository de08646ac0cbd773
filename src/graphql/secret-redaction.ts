/**
 * Secrets sent as GraphQL input never reach a log or an echoed error message.
 *
 * Which values are secret is said by the schema, not guessed from key names: an input field or an
 * input object type declared with `extensions: secretInput` holds a secret (credentials, webhook
 * signing secrets). For each request the values at those positions are collected from the raw
 * variables, walked along the operation's variable types — before coercion, so a value that fails
 * coercion is known too — and from literals in the document. Every error of the result then has
 * those values replaced by [redacted] before Yoga masks (and logs) it. A value whose shape does not
 * fit a type that holds secrets (a string where the credentials object goes, a misspelt field next
 * to a secret one) is treated as secret as a whole.
 */
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

/** Extensions of an input field or input object type whose values are secret. */
export const secretInput = { secret: true } as const;

export const REDACTED = '[redacted]';
/** Past this many secret values in one request its error messages are withheld entirely. */
const MAX_SECRETS = 200;
/** Shorter values are replaced only where they appear quoted, so "1" does not blank a whole message. */
const MIN_BARE = 6;
const MAX_DEPTH = 32;

type Marked = { extensions?: Readonly<Record<string, unknown>> | null };
const isMarked = (x: Marked) => x.extensions?.secret === true;

/** Input object types that hold a secret field at any depth, per schema. */
const carriersBySchema = new WeakMap<GraphQLSchema, Set<GraphQLInputObjectType>>();

function carriers(schema: GraphQLSchema): Set<GraphQLInputObjectType> {
  let found = carriersBySchema.get(schema);
  if (found) return found;
  found = new Set();
  const inputs = Object.values(schema.getTypeMap()).filter(isInputObjectType);
  // Fixed point: a type carries secrets when it is marked, has a marked field, or a field of a carrying type.
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of inputs) {
      if (found.has(type)) continue;
      const fields = Object.values(type.getFields());
      const carries = isMarked(type) || fields.some((f) => isMarked(f) || found!.has(getNamedType(f.type) as GraphQLInputObjectType));
      if (carries) (found.add(type), (changed = true));
    }
  }
  carriersBySchema.set(schema, found);
  return found;
}

/** What one request's secrets are: the values, or `overflow` when there were too many to list. */
export interface RequestSecrets {
  values: string[];
  overflow: boolean;
}

class Collector {
  readonly values = new Set<string>();
  overflow = false;
  constructor(readonly carrying: Set<GraphQLInputObjectType>) {}

  /** Every leaf of a raw value (any shape) is secret. */
  leaves(value: unknown, depth = 0): void {
    if (this.overflow || value === null || value === undefined) return;
    if (typeof value === 'string') return this.add(value);
    if (typeof value === 'number' || typeof value === 'bigint') return this.add(String(value));
    if (typeof value !== 'object' || depth > MAX_DEPTH) return;
    for (const v of Array.isArray(value) ? value : Object.values(value)) this.leaves(v, depth + 1);
  }

  /** Walks a raw variable value along its input type. */
  raw(type: GraphQLInputType, value: unknown, depth = 0): void {
    if (this.overflow || value === null || value === undefined || depth > MAX_DEPTH) return;
    if (isNonNullType(type)) return this.raw(type.ofType, value, depth);
    if (isListType(type)) {
      for (const item of Array.isArray(value) ? value : [value]) this.raw(type.ofType, item, depth + 1);
      return;
    }
    if (!isInputObjectType(type) || !this.carrying.has(type)) return;
    if (isMarked(type) || typeof value !== 'object' || Array.isArray(value)) return this.leaves(value, depth);
    const fields = type.getFields();
    for (const [key, v] of Object.entries(value)) {
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (!field || isMarked(field)) this.leaves(v, depth + 1);
      else this.raw(field.type, v, depth + 1);
    }
  }

  /** Leaves of a literal in the document; a variable there makes that whole variable secret. */
  literal(node: ValueNode, variables: Set<string>): void {
    if (node.kind === Kind.STRING || node.kind === Kind.INT || node.kind === Kind.FLOAT) this.add(node.value);
    else if (node.kind === Kind.VARIABLE) variables.add(node.name.value);
    else if (node.kind === Kind.LIST) node.values.forEach((v) => this.literal(v, variables));
    else if (node.kind === Kind.OBJECT) node.fields.forEach((f) => this.literal(f.value, variables));
  }

  private add(value: string) {
    if (value.length === 0) return;
    this.values.add(value);
    if (this.values.size > MAX_SECRETS) this.overflow = true;
  }
}

/** Secret literals of a document and the variables used at secret positions, once per parsed document (Yoga caches documents). */
type DocumentSecrets = { literals: string[]; variables: Set<string> };
const secretsByDocument = new WeakMap<DocumentNode, DocumentSecrets>();

function documentSecrets(schema: GraphQLSchema, document: DocumentNode, carrying: Set<GraphQLInputObjectType>): DocumentSecrets {
  let found = secretsByDocument.get(document);
  if (found) return found;
  const collector = new Collector(carrying);
  const variables = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      ObjectField(node) {
        const parent = getNamedType(typeInfo.getParentInputType());
        if (!isInputObjectType(parent) || !carrying.has(parent)) return;
        const field = parent.getFields()[node.name.value];
        const type = field && getNamedType(field.type);
        if (!field || isMarked(field) || isMarked(type as Marked)) collector.literal(node.value, variables);
      },
    }),
  );
  found = { literals: [...collector.values], variables };
  secretsByDocument.set(document, found);
  return found;
}

/**
 * The secret values one request carries: from its variables, walked along the types the operation
 * declares for them, and from secret literals in its document. Null when it carries none.
 */
export function requestSecrets(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): RequestSecrets | null {
  const carrying = carriers(schema);
  if (carrying.size === 0) return null;
  const collector = new Collector(carrying);
  const inDocument = documentSecrets(schema, document, carrying);
  for (const value of inDocument.literals) collector.leaves(value);
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (variables && typeof variables === 'object' && operation?.kind === Kind.OPERATION_DEFINITION) {
    for (const definition of operation.variableDefinitions ?? []) {
      const name = definition.variable.name.value;
      if (!Object.hasOwn(variables, name)) continue;
      const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
      // A variable of an unknown type is refused by validation before anything runs.
      if (inDocument.variables.has(name)) collector.leaves(variables[name]);
      else if (type) collector.raw(type, variables[name]);
    }
  }
  if (collector.values.size === 0) return null;
  return { values: [...collector.values], overflow: collector.overflow };
}

/** A function that removes the given secrets from a text, quoted (as echoed by graphql-js) or bare. */
export function redactor(secrets: RequestSecrets): (text: string) => string {
  if (secrets.overflow) return (text) => `${REDACTED}: details withheld, the input carries secrets`;
  const patterns = new Set<string>();
  for (const value of secrets.values) {
    patterns.add(JSON.stringify(value));
    if (value.length >= MIN_BARE) patterns.add(value);
  }
  // Longest first, so a quoted form wins over the bare value inside it. Plain split/join, not one
  // alternation RegExp: a secret of any length (a 400 KB one included) must not make V8 refuse the pattern.
  const ordered = [...patterns].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((out, p) => (out.includes(p) ? out.split(p).join(p.startsWith('"') ? `"${REDACTED}"` : REDACTED) : out), text);
}

/** Removes secrets from an error, its original errors and their stacks, in place (they are this request's own). */
export function redactError(error: unknown, redact: (text: string) => string): void {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = (e as GraphQLError).originalError ?? e.cause, depth++) {
    e.message = redact(e.message);
    if (typeof e.stack === 'string') e.stack = redact(e.stack);
  }
}

/**
 * Envelop plugin: errors of an operation that carries secrets are redacted before any later plugin
 * (Yoga's error masking, which logs) sees them. Register it before anything that logs errors.
 */
export function useSecretRedaction(): Plugin {
  type Args = { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null };
  // Worked out only once an error appears: a request without errors (nearly all) pays nothing here.
  const lazyRedactor = (args: Args) => {
    let redact: ((text: string) => string) | null | undefined;
    return () => {
      if (redact === undefined) {
        const secrets = requestSecrets(args.schema, args.document, args.operationName, args.variableValues);
        redact = secrets ? redactor(secrets) : null;
      }
      return redact;
    };
  };
  const redactErrors = (errors: readonly unknown[] | undefined, redact: () => ((text: string) => string) | null) => {
    if (!errors?.length) return;
    const r = redact();
    if (r) for (const error of errors) redactError(error, r);
  };
  return {
    onExecute({ args }) {
      const redact = lazyRedactor(args);
      return { onExecuteDone: (done) => handleStreamOrSingleExecutionResult(done, ({ result }) => redactErrors(result.errors, redact)) };
    },
    onSubscribe({ args }) {
      const redact = lazyRedactor(args);
      return {
        onSubscribeResult: (done) => handleStreamOrSingleExecutionResult(done as never, ({ result }: { result: { errors?: readonly unknown[] } }) => redactErrors(result.errors, redact)),
        onSubscribeError: ({ error }) => redactErrors([error], redact),
      };
    },
  };
}
