import {
  execute,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isObjectType,
  Kind,
  parse,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { complexityFromQuery } from '@pothos/plugin-complexity';

/**
 * An execution short-cut for root query fields whose whole answer a read path builds in one go
 * (issue 17): PostgreSQL writes the batch page's JSON, aliases, __typename, cursors and pageInfo
 * included, and graphql-js walking its 4,000 fields one resolver at a time cost more CPU than
 * everything else the page does.
 *
 * The root field itself still runs through graphql-js and every Pothos wrapper (scope auth, the
 * complexity limit, argument validation, error shapes): only its selection is replaced by
 * `{ __typename }` in the document graphql-js executes, its resolver finds the plan of the original
 * selection (prebuiltPlan) and hands the finished subtree over (answerPrebuilt) instead of rows,
 * and the subtree takes the field's place in the result. A field is short-cut only when its
 * registered planner covers every field below it (no field there has its own auth scopes: see
 * isPlainField) and the document is within the complexity limits; otherwise the operation runs as
 * it always did, and answers the same.
 */

/** One response key of a selection, with its field nodes merged as graphql-js merges them. */
export interface SelectedField {
  key: string;
  name: string;
  nodes: readonly FieldNode[];
}

/** What a planner reads the selection with. */
export interface SelectionReader {
  schema: GraphQLSchema;
  /** The operation's context value (a planner may read configuration from it, never per-user state). */
  context: unknown;
  /** The fields selected on `type` below `nodes` by response key, in graphql-js' order; null for a shape left to graphql-js. */
  fields(nodes: readonly FieldNode[], type: GraphQLObjectType): SelectedField[] | null;
  /** A selected field's coerced arguments. */
  args(field: GraphQLField<unknown, unknown>, selected: SelectedField): Record<string, unknown>;
}

/** Turns a root field's selection into a plan its resolver answers whole, or null (not covered). */
export type Planner = (field: SelectedField, reader: SelectionReader) => unknown;

const planners = new Map<string, { plan: Planner; stub: SelectionSetNode }>();

/**
 * Declares that Query.`field`'s resolver answers whole any selection `planner` plans. `stub` is the
 * selection graphql-js executes in its place, the least that still makes the field's resolver run
 * (a Pothos Prisma connection skips it for `{ totalCount }` or `{ __typename }` alone).
 */
export function registerPrebuiltField(field: string, planner: Planner, stub = '{ __typename }'): void {
  const definition = parse(`query ${stub}`).definitions[0] as OperationDefinitionNode;
  planners.set(field, { plan: planner, stub: definition.selectionSet });
}

interface Slot {
  plan: unknown;
  answered: boolean;
  answer?: unknown;
}
/** Keyed by the field node of the rewritten document, which the resolver sees as info.fieldNodes[0]. */
const slots = new WeakMap<FieldNode, Slot>();

/** The plan of the field being resolved when the short-cut runs it, else undefined. */
export function prebuiltPlan<P>(info: Pick<GraphQLResolveInfo, 'fieldNodes'>): P | undefined {
  return slots.get(info.fieldNodes[0]!)?.plan as P | undefined;
}

/** The finished answer of the field being resolved; it replaces the field's value in the result. */
export function answerPrebuilt(info: Pick<GraphQLResolveInfo, 'fieldNodes'>, answer: unknown): void {
  const slot = slots.get(info.fieldNodes[0]!);
  if (!slot) throw new Error('answerPrebuilt outside a prebuilt field');
  slot.answered = true;
  slot.answer = answer;
}

/**
 * Whether a field answers its parent's same-named property unchanged (Pothos `expose`) and neither
 * it nor its type declares auth scopes: only such fields may be answered from a read path's JSON.
 */
export function isPlainField(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  return (field.extensions as { pothosExposedField?: string }).pothosExposedField === field.name && !declaresScopes(field) && !declaresScopes(type);
}

/**
 * Whether a type or field declares auth scopes (authScopes, or grantScopes for what is below it):
 * a planner writes no part of a selection that crosses one, not even its __typename, since only
 * graphql-js runs Pothos' check of them.
 */
export function declaresScopes(element: { extensions?: unknown }): boolean {
  const options = (element.extensions as { pothosOptions?: Record<string, unknown> } | undefined)?.pothosOptions;
  return options?.authScopes !== undefined || options?.grantScopes !== undefined;
}

/** Limits of a request as the complexity plugin applies them. */
export type Limits = { depth?: number; complexity?: number; breadth?: number };

/**
 * graphql-js' execute with the short-cut: `limits` gives the request's complexity limits (a document
 * over them runs normally, so the complexity plugin refuses it exactly as before).
 */
export function createPrebuiltExecute(limits: (context: unknown) => Limits | undefined) {
  return (args: ExecutionArgs) => {
    const prepared = prepare(args, limits);
    if (!prepared) return execute(args);
    const result = execute({ ...args, document: prepared.document });
    return result instanceof Promise ? result.then((r) => splice(r, prepared.fields)) : splice(result, prepared.fields);
  };
}

interface Prepared {
  document: DocumentNode;
  fields: Array<[key: string, slot: Slot]>;
}

function prepare(args: ExecutionArgs, limits: (context: unknown) => Limits | undefined): Prepared | null {
  if (planners.size === 0) return null;
  const operations = args.document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || operation!.operation !== 'query') return null;
  const root = args.schema.getQueryType();
  if (!root) return null;
  const selections = operation!.selectionSet.selections;
  // The same response key twice at the root (merged by graphql-js) is left alone.
  const keys = selections.map((s) => (s.kind === Kind.FIELD ? (s.alias ?? s.name).value : null));
  if (keys.includes(null)) return null;
  const candidates = selections.filter(
    (s): s is FieldNode => s.kind === Kind.FIELD && planners.has(s.name.value) && !s.directives?.length && keys.filter((k) => k === (s.alias ?? s.name).value).length === 1,
  );
  if (candidates.length === 0) return null;

  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of args.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  // Coerced as graphql-js will coerce them; variables it refuses leave the operation to it.
  const coerced = getVariableValues(args.schema, operation!.variableDefinitions ?? [], (args.variableValues ?? {}) as Record<string, unknown>);
  if (coerced.errors) return null;
  const variables = coerced.coerced;
  const reader = selectionReader(args.schema, args.contextValue, fragments, variables);
  const fields: Array<[string, Slot]> = [];
  const replaced = new Map<FieldNode, FieldNode>();
  for (const node of candidates) {
    const selected = { key: (node.alias ?? node.name).value, name: node.name.value, nodes: [node] };
    let plan: unknown;
    try {
      plan = planners.get(node.name.value)!.plan(selected, reader);
    } catch {
      plan = null; // arguments graphql-js will refuse itself, with its own error
    }
    if (plan == null) continue;
    const rewritten: FieldNode = { ...node, selectionSet: planners.get(node.name.value)!.stub };
    const slot: Slot = { plan, answered: false };
    slots.set(rewritten, slot);
    replaced.set(node, rewritten);
    fields.push([selected.key, slot]);
  }
  if (fields.length === 0 || !withinLimits(args, limits(args.contextValue))) return null;
  const rewrittenOperation: OperationDefinitionNode = {
    ...operation!,
    selectionSet: { ...operation!.selectionSet, selections: selections.map((s) => replaced.get(s as FieldNode) ?? s) },
  };
  return { document: { ...args.document, definitions: args.document.definitions.map((d) => (d === operation ? rewrittenOperation : d)) }, fields };
}

/**
 * Whether the whole document is within the limits the complexity plugin checks (it sees only the
 * rewritten one). Remembered per parsed document (Yoga's parse cache hands the same one back) and
 * variables: computing it was ~5 % of the batch page's CPU. The builder's fieldComplexity reads
 * arguments only, not the context, so the answer holds for every request.
 */
function withinLimits(args: ExecutionArgs, max: Limits | undefined): boolean {
  if (!max) return true;
  const key = JSON.stringify([args.variableValues ?? null, max]);
  let known = limitChecks.get(args.document);
  const cached = known?.get(key);
  if (cached !== undefined) return cached;
  let within = false;
  try {
    const { complexity, depth, breadth } = complexityFromQuery(args.document, { schema: args.schema, variables: (args.variableValues ?? {}) as Record<string, unknown>, ctx: args.contextValue as object });
    within = !(max.depth !== undefined && depth > max.depth) && !(max.complexity !== undefined && complexity > max.complexity) && !(max.breadth !== undefined && breadth > max.breadth);
  } catch {
    within = false;
  }
  if (!known || known.size >= LIMIT_CHECKS_PER_DOCUMENT) limitChecks.set(args.document, (known = new Map()));
  known.set(key, within);
  return within;
}
const limitChecks = new WeakMap<DocumentNode, Map<string, boolean>>();
/** Variables remembered per document; past this the document's entries start over. */
const LIMIT_CHECKS_PER_DOCUMENT = 32;

/**
 * A field's answer as JSON text PostgreSQL wrote (issue 17): it goes into the response as it is,
 * through the result's `stringify` (which Yoga's JSON, SSE and multipart processors call), instead
 * of being parsed here and written again. Any other serializer (graphql-ws' JSON.stringify, a
 * plugin that copies the result without its `stringify`) gets the parsed value through toJSON.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

function splice(result: ExecutionResult, fields: Array<[string, Slot]>): ExecutionResult {
  const data = result.data as Record<string, unknown> | null | undefined;
  if (!data) return result;
  let raw = false;
  for (const [key, slot] of fields) {
    if (!slot.answered || data[key] == null) continue;
    data[key] = slot.answer;
    raw ||= slot.answer instanceof RawJson;
  }
  return raw ? Object.assign(result, { stringify: stringifyWithRawJson }) : result;
}

/** JSON.stringify of a result whose data holds RawJson answers at its top level, their text spliced in unparsed. */
export function stringifyWithRawJson(result: ExecutionResult): string {
  return objectText(result as Record<string, unknown>, (key, value) => (key === 'data' && value != null ? objectText(value as Record<string, unknown>, fieldText) : JSON.stringify(value)));
}
const fieldText = (_key: string, value: unknown) => (value instanceof RawJson ? value.text : JSON.stringify(value));

/** `{"key":value,…}` of an object's own properties as JSON.stringify writes them (undefined and functions left out), each value by `valueText`. */
function objectText(object: Record<string, unknown>, valueText: (key: string, value: unknown) => string | undefined): string {
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined || typeof value === 'function') continue;
    parts.push(`${JSON.stringify(key)}:${valueText(key, value)}`);
  }
  return `{${parts.join(',')}}`;
}

function selectionReader(schema: GraphQLSchema, context: unknown, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): SelectionReader {
  const included = (node: SelectionNode) => {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  };
  return {
    schema,
    context,
    fields(nodes, type) {
      const byKey = new Map<string, SelectedField & { nodes: FieldNode[] }>();
      const walk = (selections: readonly SelectionNode[]): boolean => {
        for (const s of selections) {
          if (s.directives?.some((d) => d.name.value !== 'skip' && d.name.value !== 'include')) return false;
          if (!included(s)) continue;
          if (s.kind === Kind.FIELD) {
            const key = (s.alias ?? s.name).value;
            const known = byKey.get(key);
            if (known) known.nodes.push(s);
            else byKey.set(key, { key, name: s.name.value, nodes: [s] });
            continue;
          }
          const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments[s.name.value];
          if (!fragment) return false;
          // A condition on an interface or union the type belongs to is left to graphql-js.
          if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return false;
          if (!walk(fragment.selectionSet.selections)) return false;
        }
        return true;
      };
      for (const node of nodes) if (!node.selectionSet || !walk(node.selectionSet.selections)) return null;
      return [...byKey.values()];
    },
    args: (field, selected) => getArgumentValues(field, selected.nodes[0]!, variables),
  };
}

/** The object type a field returns (through lists and non-null), or null for a scalar, interface or union. */
export function objectTypeOf(field: GraphQLField<unknown, unknown>): GraphQLObjectType | null {
  const type = getNamedType(field.type);
  return isObjectType(type) ? type : null;
}
