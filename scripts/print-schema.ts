// npm run schema:print: writes schema.graphql, the SDL clients and reviewers read. A test fails when stale.
import { writeFileSync } from 'node:fs';
import { printSchemaSdl } from '../src/graphql/print.js';

writeFileSync(new URL('../schema.graphql', import.meta.url), printSchemaSdl());
console.log('Wrote schema.graphql');
