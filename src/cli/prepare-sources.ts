/**
 * What `npm start` (`stockline serve`) and `npm test` need beside the sources: the Prisma client
 * generated from the current schema and the dashboard bundle built from the current dashboard/.
 * Each is redone only when stale, so a start after `npm install` (whose postinstall generated the
 * client) does no build work but the first bundle.
 */
import { generateIfStale } from './generate-if-stale.js';

export async function prepareSources(): Promise<void> {
  generateIfStale();
  // Loaded only here: esbuild is a build tool the service itself never needs.
  const { buildDashboardIfStale } = await import('../http/dashboard.build.js');
  const built = await buildDashboardIfStale();
  if (built) console.log(`dashboard built in ${built.ms} ms`);
}
