// npm run build (and the start/test pre-steps): builds dashboard/ into dist/dashboard (src/http/dashboard.build.ts).
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDashboard } from '../src/http/dashboard.build.js';

export { buildDashboard, DEFAULT_DASHBOARD_DIR, type DashboardBuild } from '../src/http/dashboard.build.js';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDashboard(process.argv[2]);
  console.log(`dashboard built in ${built.ms} ms: ${relative(process.cwd(), built.outDir) || '.'} (assets/${built.script}, assets/${built.stylesheet})`);
}
