/**
 * Puts every GraphQL HTTP request through admission (src/http/admission.ts), keyed by its client
 * address: rotating tokens or operation names gives no new key. Most requests are admitted once
 * their parameters are read, before parsing and any database work. A request whose text names a
 * subscription or a sync trigger/cancellation waits until Yoga parsed it (under the token limit)
 * and its token was verified: a subscription over HTTP holds no slot (it lives as long as its
 * client), and a trigger or cancellation of an OPERATOR or above goes first. Shed → 503 + Retry-After.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOperationAST, GraphQLError, Kind, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { markUrgent } from '../db/database.js';
import type { Actor } from '../core/services.js';
import { addressOf } from '../graphql/request-limits.plugin.js';
import { roleAtLeast } from '../modules/access/roles.js';
import { Shed, type Admission } from './admission.js';

const PRIORITY_FIELDS = new Set(['triggerSync', 'cancelSyncRun', '__typename']);
/** Words without which a document can be neither a subscription nor a priority mutation. */
const DEFERRED = /subscription|triggerSync|cancelSyncRun/;

/** True when the operation to run is a mutation of sync triggers or cancellations only, asked by an OPERATOR or above. */
export function isPriorityOperation(document: DocumentNode, operationName: string | undefined | null, actor: Actor | null | undefined): boolean {
  if (!roleAtLeast(actor?.role, 'OPERATOR')) return false;
  const op = getOperationAST(document, operationName);
  if (op?.operation !== 'mutation') return false;
  return op.selectionSet.selections.every((s) => s.kind === Kind.FIELD && PRIORITY_FIELDS.has(s.name.value));
}

type NodeServerContext = { req?: IncomingMessage; res?: ServerResponse; actor?: Actor | null };

export function useAdmission(admission: Admission): Plugin {
  const admit = async (res: ServerResponse, req: IncomingMessage, priority: boolean) => {
    try {
      await admission.admit(res, addressOf(req) ?? '', priority);
      return undefined;
    } catch (error) {
      if (!(error instanceof Shed)) throw error;
      if (error.reason === 'client_gone') return { errors: [new GraphQLError(error.message)] };
      const retryAfter = String(admission.options.retryAfterSeconds);
      return {
        errors: [new GraphQLError(error.message, { extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': retryAfter } } } })],
      };
    }
  };
  // Requests whose decision waits for the parsed document and the verified caller.
  const deferred = new WeakSet<ServerResponse>();
  return {
    async onParams({ params, context, setResult }) {
      // yoga.requestListener(req, res) hands the Node request and response over as server context.
      const { req, res } = context as NodeServerContext;
      // Not a Node HTTP request (yoga.fetch in-process): nothing to hold a slot with. Not a string: Yoga refuses it.
      if (!req || !res || typeof params.query !== 'string') return;
      if (DEFERRED.test(params.query)) {
        deferred.add(res);
        return;
      }
      const refused = await admit(res, req, false);
      if (refused) setResult(refused);
    },
    // Subscriptions never get here (Yoga subscribes them instead): they hold no slot.
    async onExecute({ args, setResultAndStopExecution }) {
      const { req, res, actor } = args.contextValue as NodeServerContext;
      if (!req || !res || !deferred.has(res)) return;
      deferred.delete(res);
      const priority = isPriorityOperation(args.document, args.operationName, actor);
      // Its statements go first on PGlite too.
      if (priority) markUrgent();
      const refused = await admit(res, req, priority);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
