/**
 * GraphiQL as the service serves it: the whole page (scripts, styles, editor workers) comes from
 * @graphql-yoga/render-graphiql, bundled in node_modules, so it loads on a machine without internet
 * access (Yoga's default fetches it from a CDN). No placeholder header is sent: a header editor
 * holding "Bearer <paste your API token>" made every request, introspection included, a 401. The
 * headers typed once are kept by the browser (shouldPersistHeaders), and GraphiQL sends them with
 * each operation, also in a subscription's `extensions.headers` (see websocket.ts).
 */
import { renderGraphiQL as renderBundled } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

const DEFAULT_QUERY = `# Welcome to Stockline.
#
# 1. Open "Headers" below and paste the token
#    that \`npm start\` printed (or one made by
#    createApiToken):
#      { "Authorization": "Bearer stk_..." }
#    This browser keeps it, for queries,
#    mutations and subscriptions alike.
# 2. Run the operation with the play button
#    (or Ctrl-Enter). The Docs panel (book icon)
#    describes every query, mutation and
#    subscription.

mutation {
  createWorkCenter(input: { identifier: "WC-1", name: "Line 1" }) {
    workCenter { id }
    errors { code message field }
  }
}
`;

export const graphiqlOptions: GraphiQLOptions = {
  title: 'Stockline',
  subscriptionsProtocol: 'WS',
  headers: '{}',
  shouldPersistHeaders: true,
  defaultEditorToolsVisibility: 'headers',
  defaultQuery: DEFAULT_QUERY,
};

/** The page is about 9 MB of inlined scripts, and the options are fixed: rendered once, on the first visit. */
let page: string | undefined;
export function renderGraphiQL(options: GraphiQLOptions): string {
  return (page ??= renderBundled(options));
}
