/**
 * `stockline serve`: the service exactly as `npm start` runs it. main.ts parses the environment
 * and installs its signal handling when imported, so the role is set first and everything else
 * comes from the environment as usual.
 */
export interface ServeOptions {
  role?: 'api' | 'worker' | 'all';
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  if (options.role) process.env.ROLE = options.role;
  await import('../../main.js');
}
