// PostGraphile 4 over the bench's scratch database, as its CLI would serve it in production:
// no mutations, no GraphiQL, no query log, no schema watching. DATABASE_URL and PORT from the env;
// prints "listening <port>" when ready.
import { createServer } from 'node:http';
import pg from 'pg';
import { postgraphile } from 'postgraphile';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const handler = postgraphile(pool, 'public', {
  disableDefaultMutations: true,
  graphiql: false,
  disableQueryLog: true,
  watchPg: false,
  retryOnInitFail: false,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
});
const server = createServer(handler);
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
