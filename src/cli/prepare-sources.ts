/**
 * What `npm test` needs beside the sources: the Prisma client generated from the current schema
 * (committed, so normally fresh) and the dashboard bundle built from the current dashboard/. Each
 * is redone only when stale. `npm start` does the same but builds the dashboard beside the start
 * (src/cli/commands/serve.ts).
 */
import { generateIfStale } from './generate-if-stale.js';

export async function prepareSources(): Promise<void> {
  generateIfStale();
  // Loaded only here: esbuild is a build tool the service itself never needs.
  const { buildDashboardIfStale } = await import('../http/dashboard.build.js');
  const built = await buildDashboardIfStale();
  if (built) console.log(`dashboard built in ${built.ms} ms`);
}
