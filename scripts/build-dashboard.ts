// npm run build (and the start/test pre-steps): builds dashboard/ into dist/dashboard (src/http/dashboard.build.ts).
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, buildDashboard, type DashboardBuild } from '../src/http/dashboard.build.js';

export { buildDashboard, BUNDLE_BUDGET_BYTES, DEFAULT_DASHBOARD_DIR, type DashboardBuild } from '../src/http/dashboard.build.js';

/** "JS 104.2 kB minified (36.1 kB gzipped) of the 250 kB budget". */
export const describeSize = (built: DashboardBuild) =>
  `JS ${(built.scriptBytes / 1000).toFixed(1)} kB minified (${(built.scriptGzipBytes / 1000).toFixed(1)} kB gzipped) of the ${BUNDLE_BUDGET_BYTES / 1000} kB budget for the first load; every page ${(built.totalScriptBytes / 1000).toFixed(1)} kB`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDashboard(process.argv[2]);
  console.log(`dashboard built in ${built.ms} ms: ${relative(process.cwd(), built.outDir) || '.'} (assets/${built.script}, assets/${built.stylesheet}); ${describeSize(built)}`);
  if (built.scriptBytes > BUNDLE_BUDGET_BYTES) console.warn('dashboard bundle is over its size budget: see what grew with esbuild --analyze');
}
