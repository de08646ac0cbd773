/**
 * Error messages never echo a huge value back: graphql-js quotes the whole offending value
 * ('Variable "$x" got invalid value "<1 MB>"'), so long quoted strings are cut to an excerpt
 * and a message still too long is cut as a whole.
 */
import { GraphQLError, type ExecutionResult } from 'graphql';
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

const MAX_QUOTED = 80;
const EXCERPT = 60;
const MAX_MESSAGE = 1000;
/** A double-quoted JSON string, escapes included (unrolled so a 1 MB one is one linear pass). */
const QUOTED = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

/** The message with every long quoted value cut to an excerpt plus its length; short messages are returned as they are. */
export function truncateEchoes(message: string): string {
  if (message.length <= MAX_QUOTED * 2) return message;
  const cut = message.replace(QUOTED, (q) => (q.length <= MAX_QUOTED + 2 ? q : `${q.slice(0, EXCERPT + 1)}…" (${q.length - 2} characters)`));
  return cut.length <= MAX_MESSAGE ? cut : `${cut.slice(0, MAX_MESSAGE)}… (${cut.length} characters)`;
}

function truncated<E extends Error>(error: E): E | GraphQLError {
  const message = truncateEchoes(error.message);
  if (message === error.message || !(error instanceof GraphQLError)) return error;
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, originalError: error.originalError, extensions: error.extensions });
}

function truncateResult({ result, setResult }: { result: ExecutionResult; setResult(r: ExecutionResult): void }) {
  if (result.errors?.some((e) => e.message.length > MAX_QUOTED * 2)) setResult({ ...result, errors: result.errors.map(truncated) });
}

/** Truncates echoes in validation, execution and subscription errors (HTTP and WebSocket alike). */
export function useEchoTruncation(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.some((e) => e.message.length > MAX_QUOTED * 2)) setResult(result.map(truncated));
      };
    },
    onExecute() {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, truncateResult) };
    },
    onSubscribe() {
      return { onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, truncateResult) };
    },
  };
}
