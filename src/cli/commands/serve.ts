/**
 * `stockline serve`, which is also `npm start`: the service with its pre-steps, in one process.
 * The Prisma client is regenerated first when the schema changed (src/cli/generate-if-stale.ts).
 * The dashboard bundle is rebuilt when its sources changed while the service starts, not before:
 * esbuild runs in its own process, so on a first start the build costs no time to the first
 * answer; until it is written, `/` answers 503 with Retry-After (src/http/dashboard.ts). main.ts
 * parses the environment and installs its signal handling when imported, so the role is set first
 * and everything else comes from the environment as usual.
 */
export interface ServeOptions {
  role?: 'api' | 'worker' | 'all';
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  if (options.role) process.env.ROLE = options.role;
  const { generateIfStale } = await import('../generate-if-stale.js');
  generateIfStale();
  // Loaded only here: esbuild is a build tool the service itself never needs. Only a failure is
  // reported: a line after the start would push the ADMIN token off the end of the output.
  const { buildDashboardIfStale } = await import('../../http/dashboard.build.js');
  buildDashboardIfStale().catch((error: unknown) => console.error('The dashboard could not be built (npm run build shows why):', error));
  await import('../../main.js');
}
