/**
 * `stockline serve`: the service exactly as `npm start` runs it, pre-steps included (the Prisma
 * client regenerated when the schema changed, the dashboard bundle built). main.ts parses the
 * environment and installs its signal handling when imported, so the role is set first and
 * everything else comes from the environment as usual.
 */
export interface ServeOptions {
  role?: 'api' | 'worker' | 'all';
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  if (options.role) process.env.ROLE = options.role;
  const { generateIfStale } = await import('../generate-if-stale.js');
  generateIfStale();
  // Loaded only here: esbuild is a build tool the service itself never needs.
  const { buildDashboard } = await import('../../http/dashboard.build.js');
  await buildDashboard();
  await import('../../main.js');
}
