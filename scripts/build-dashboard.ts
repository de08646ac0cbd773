// npm run build (and the start/test pre-steps): builds dashboard/ into dist/dashboard (src/http/dashboard.build.ts).
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE_BUDGET_BYTES, buildDashboard, type DashboardBuild } from '../src/http/dashboard.build.js';

export { buildDashboard, BUNDLE_BUDGET_BYTES, DEFAULT_DASHBOARD_DIR, type DashboardBuild } from '../src/http/dashboard.build.js';

const kB = (bytes: number) => (bytes / 1000).toFixed(1);
/** "JS 231.0 kB minified for the whole dashboard of the 250 kB budget; first load 98.3 kB (33.0 kB gzipped); words ru 25.1 kB, ro 21.0 kB (JSON, fetched for the chosen language)". */
export const describeSize = (built: DashboardBuild) =>
  `JS ${kB(built.totalScriptBytes)} kB minified for the whole dashboard of the ${BUNDLE_BUDGET_BYTES / 1000} kB budget; first load ${kB(built.scriptBytes)} kB (${kB(built.scriptGzipBytes)} kB gzipped); words ${Object.entries(built.locales)
    .map(([locale, { bytes }]) => `${locale} ${kB(bytes)} kB`)
    .join(', ')} (JSON, fetched for the chosen language)`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDashboard(process.argv[2]);
  console.log(`dashboard built in ${built.ms} ms: ${relative(process.cwd(), built.outDir) || '.'} (assets/${built.script}, assets/${built.stylesheet}); ${describeSize(built)}`);
  if (built.totalScriptBytes > BUNDLE_BUDGET_BYTES) console.warn('dashboard bundle is over its size budget: see what grew with esbuild --analyze');
}
