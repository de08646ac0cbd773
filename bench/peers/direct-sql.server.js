// The batch page read straight from PostgreSQL by hand-written code, served as the same JSON over
// HTTP: the page and the count in parallel, then the work centers and the first units of those
// batches (with their counts) in parallel. DATABASE_URL, PORT, PAGE and UNITS_PAGE from the env;
// prints "listening <port>" when ready. Any request path answers the page.
import { createServer } from 'node:http';
import pg from 'pg';

const PAGE = Number(process.env.PAGE ?? 100);
const UNITS_PAGE = Number(process.env.UNITS_PAGE ?? 10);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// The date as PostgreSQL prints it (YYYY-MM-DD), as the GraphQL servers answer it.
pg.types.setTypeParser(1082, (value) => value);

async function batchPage() {
  const [page, count] = await Promise.all([
    pool.query(`SELECT "id", "batchNumber", "batchDate", "workCenterId" FROM "Batch" ORDER BY "batchDate" DESC, "id" DESC LIMIT $1`, [PAGE]),
    pool.query('SELECT count(*) AS count FROM "Batch"'),
  ]);
  const batchIds = page.rows.map((r) => r.id);
  const workCenterIds = [...new Set(page.rows.map((r) => r.workCenterId))];
  const [workCenters, units] = await Promise.all([
    pool.query('SELECT "id", "identifier" FROM "WorkCenter" WHERE "id" = ANY($1::uuid[])', [workCenterIds]),
    pool.query(
      `SELECT "batchId", "code", "total" FROM (
         SELECT "batchId", "code", "createdAt", "id",
                row_number() OVER (PARTITION BY "batchId" ORDER BY "createdAt", "id") AS rn,
                count(*) OVER (PARTITION BY "batchId") AS total
           FROM "Unit" WHERE "batchId" = ANY($1::uuid[])
       ) ranked
       WHERE rn <= $2
       ORDER BY "batchId", rn`,
      [batchIds, UNITS_PAGE],
    ),
  ]);
  const identifiers = new Map(workCenters.rows.map((w) => [w.id, w.identifier]));
  const unitsByBatch = new Map();
  for (const u of units.rows) {
    let entry = unitsByBatch.get(u.batchId);
    if (!entry) unitsByBatch.set(u.batchId, (entry = { totalCount: Number(u.total), edges: [] }));
    entry.edges.push({ node: { code: u.code } });
  }
  return {
    totalCount: Number(count.rows[0].count),
    edges: page.rows.map((r) => ({
      node: {
        id: r.id,
        batchNumber: r.batchNumber,
        batchDate: r.batchDate,
        workCenter: { identifier: identifiers.get(r.workCenterId) },
        units: unitsByBatch.get(r.id) ?? { totalCount: 0, edges: [] },
      },
    })),
  };
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    batchPage().then(
      (batches) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { batches } }));
      },
      (error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    ),
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
