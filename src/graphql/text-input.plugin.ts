import { BREAK, GraphQLError, Kind, visit, type DocumentNode, type StringValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { textProblem } from '../core/well-formed-text.js';

const refusal = (where: string, problem: string) =>
  new GraphQLError(`Text at ${where} ${problem}; send well-formed text without NUL characters`, { extensions: { code: 'BAD_USER_INPUT' } });

/** Arrays and plain objects, as JSON parses them; uploads (files put in by the multipart parser) are not walked. */
const isJsonContainer = (value: unknown): value is object =>
  Array.isArray(value) || (value !== null && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value)));

/** The first string (value or object key) in the variables that cannot be taken; iterative, so deep nesting cannot overflow the stack. */
function variablesProblem(variables: unknown): GraphQLError | null {
  const stack: [unknown, string][] = [[variables, 'variables']];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return refusal(path, problem);
    } else if (isJsonContainer(value)) {
      for (const [key, inner] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return refusal(`${path} (a key)`, problem);
        stack.push([inner, `${path}.${key.length > 40 ? `${key.slice(0, 40)}…` : key}`]);
      }
    }
  }
  return null;
}

type LiteralProblem = { node: StringValueNode; problem: string } | null;
/** Per parsed document (Yoga's parser cache hands the same one back for the same text): walking it is most of this plugin's cost. */
const literalProblems = new WeakMap<DocumentNode, LiteralProblem>();

/** The first string literal of the document that cannot be taken (escapes such as "\u0000" reach here decoded). */
function literalProblem(document: DocumentNode): LiteralProblem {
  const known = literalProblems.get(document);
  if (known !== undefined) return known;
  let found: LiteralProblem = null;
  visit(document, {
    [Kind.STRING](node) {
      const problem = textProblem(node.value);
      if (problem) {
        found = { node, problem };
        return BREAK;
      }
    },
  });
  literalProblems.set(document, found);
  return found;
}

/** A new error each time: errors are the request's own (secret redaction rewrites them in place). */
function documentProblem(document: DocumentNode): GraphQLError | null {
  const found = literalProblem(document);
  return found && new GraphQLError(`A string in the query ${found.problem}; send well-formed text without NUL characters`, { nodes: [found.node], extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Every argument, input field and variable a request carries is checked once, before execution:
 * text with a NUL character or a lone surrogate is refused as BAD_USER_INPUT (the database would
 * otherwise fail on it deep inside a resolver). One pass over the variables per request; the
 * document's literals once per document.
 */
export function useWellFormedText(): Plugin {
  const check = (document: DocumentNode, variables: unknown) => variablesProblem(variables) ?? documentProblem(document);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
