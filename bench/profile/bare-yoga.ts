/**
 * A bare graphql-yoga server with one field, the reference of bench/typename.bench.ts: run in its own
 * process on PORT, like Stockline, so neither shares an event loop with the load generator.
 * BARE_BODY_LIMIT=off turns off Yoga's request body cap (maxRequestBodySize), whose byte-counting
 * stream is most of its per-request cost and which Stockline applies only to bodies without a length.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String }' }), logging: false, graphiql: false, landingPage: false, ...(process.env.BARE_BODY_LIMIT === 'off' ? { maxRequestBodySize: false as const } : {}) });
createServer(yoga).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
// Exits normally on SIGINT, so a --cpu-prof profile is written.
process.once('SIGINT', () => process.exit(0));
