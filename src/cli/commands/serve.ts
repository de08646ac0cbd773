/**
 * `stockline serve`, which is also `npm start`: the service with its pre-steps, in one process
 * (the Prisma client regenerated when the schema changed, the dashboard bundle rebuilt when its
 * sources did: src/cli/prepare-sources.ts). main.ts parses the environment and installs its
 * signal handling when imported, so the role is set first and everything else comes from the
 * environment as usual.
 */
export interface ServeOptions {
  role?: 'api' | 'worker' | 'all';
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  if (options.role) process.env.ROLE = options.role;
  const { prepareSources } = await import('../prepare-sources.js');
  await prepareSources();
  await import('../../main.js');
}
