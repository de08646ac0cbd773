/**
 * Puts every GraphQL HTTP request through admission (src/http/admission.ts) once its parameters
 * are read and before any database work (authentication included). Its key is the client (token,
 * else address) and the operation (name, else the start of the document); sync triggers and
 * cancellations go first. A shed request is answered 503 with Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { markUrgent } from '../db/database.js';
import { Shed, type Admission } from './admission.js';

const PRIORITY_FIELDS = new Set(['triggerSync', 'cancelSyncRun', '__typename']);

/** The operation of `query` that would run, or undefined (unparsable, ambiguous). */
function operationOf(query: string, operationName: string | undefined | null): OperationDefinitionNode | undefined {
  try {
    const operations = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  } catch {
    return undefined;
  }
}

/** True when the operation to run is a mutation of sync triggers or cancellations only. */
export function isPriorityOperation(query: string | undefined, operationName: string | undefined | null): boolean {
  // Cheap test first: parsing every document twice would cost every request.
  if (!query || !(query.includes('triggerSync') || query.includes('cancelSyncRun'))) return false;
  const op = operationOf(query, operationName);
  if (!op || op.operation !== 'mutation') return false;
  return op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && PRIORITY_FIELDS.has(s.name.value));
}

/** A subscription over HTTP (server-sent events) lives as long as its client: it must not hold a slot. */
export function isSubscription(query: string | undefined, operationName: string | undefined | null): boolean {
  if (!query?.includes('subscription')) return false;
  return operationOf(query, operationName)?.operation === 'subscription';
}

type NodeServerContext = { req?: IncomingMessage; res?: ServerResponse };

export function useAdmission(admission: Admission): Plugin {
  return {
    async onParams({ params, context, setResult }) {
      // yoga.requestListener(req, res) hands the Node request and response over as server context.
      const { req, res } = context as NodeServerContext;
      // Not a Node HTTP request (yoga.fetch in-process): nothing to hold a slot with.
      if (!req || !res) return;
      if (isSubscription(params.query, params.operationName)) return;
      const client = req.headers.authorization ?? req.socket.remoteAddress ?? '';
      const operation = params.operationName ?? params.query?.slice(0, 120) ?? '';
      const priority = isPriorityOperation(params.query, params.operationName);
      // Its statements go first on PGlite too.
      if (priority) markUrgent();
      try {
        await admission.admit(res, `${client}\n${operation}`, priority);
      } catch (error) {
        if (!(error instanceof Shed)) throw error;
        const retryAfter = String(admission.options.retryAfterSeconds);
        setResult({
          errors: [new GraphQLError(error.message, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': retryAfter } } } })],
        });
      }
    },
  };
}
