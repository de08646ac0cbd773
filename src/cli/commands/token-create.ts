/**
 * `stockline token create`: makes an API token straight in the database, so an operator can get
 * the first one (or one after losing every ADMIN token) without a token. The secret goes to stdout
 * alone, so `TOKEN=$(stockline token create --role VIEWER)` works; what it is goes to stderr.
 */
import { ZodError } from 'zod';
import type { AppServices } from '../../core/services.js';
import { createToken } from '../../modules/access/token.service.js';
import { CliError } from '../cli-error.js';
import { describeDatabase, withLocalDatabase } from '../local-database.js';

export interface TokenCreateOptions {
  role: 'VIEWER' | 'OPERATOR' | 'ADMIN';
  name?: string;
  expiresInDays?: number;
}

const DAY_MS = 86_400_000;

export async function tokenCreateCommand(options: TokenCreateOptions): Promise<number> {
  const name = options.name ?? `${options.role.toLowerCase()} token (stockline CLI, ${new Date().toISOString().slice(0, 10)})`;
  const expiresAt = options.expiresInDays ? new Date(Date.now() + options.expiresInDays * DAY_MS) : null;
  return withLocalDatabase(async (db, env) => {
    let created: Awaited<ReturnType<typeof createToken>>;
    try {
      // createToken only needs the database client.
      created = await createToken({ prisma: db.prisma } as AppServices, { name, role: options.role, expiresAt });
    } catch (error) {
      if (error instanceof ZodError) throw new CliError(`Invalid token: ${error.issues.map((i) => i.message).join('; ')}`);
      if ((error as { code?: string }).code === 'P2021') throw new CliError(`The ${describeDatabase(env)} has no tables yet: run \`stockline migrate\` first.`);
      throw error;
    }
    const { apiToken, secret } = created;
    const expiry = apiToken.expiresAt ? `expires ${apiToken.expiresAt.toISOString()}` : 'never expires';
    console.error(`Created ${apiToken.role} token "${apiToken.name}" (id ${apiToken.id}, ${expiry}) in the ${describeDatabase(env)}.`);
    console.error('The secret below is shown only now (it is stored hashed): keep it.');
    console.log(secret);
    return 0;
  }, 'While it runs, create tokens through its API instead: the createApiToken mutation (GraphiQL at /graphql) with an ADMIN token.');
}
