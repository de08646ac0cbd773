import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { ConfigError, parseEnv } from '../../src/env.js';
import { diffSchemaAgainstMigrations } from '../../src/db/migrate.js';
import { startTestApp } from '../helpers/app.js';

describe('configuration', () => {
  it('names each bad variable and what it must be', () => {
    const parse = () => parseEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short', ROLE: 'boss' });
    expect(parse).toThrow(ConfigError);
    const message = (() => {
      try {
        parse();
      } catch (e) {
        return (e as Error).message;
      }
    })()!;
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('PORT:');
    expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(message).toContain('ADMIN_TOKEN: must be at least 24 characters');
    expect(message).toContain('ROLE:');
  });

  it('treats empty variables as unset and applies the documented defaults', () => {
    const env = parseEnv({ PORT: '', DATA_DIR: '' });
    expect(env).toMatchObject({ PORT: 4000, HOST: '0.0.0.0', DATA_DIR: './data', ROLE: 'all', MIGRATE_ON_START: true });
  });
});

describe('ADMIN_TOKEN', () => {
  it('registers the given secret as an ADMIN token and prints no generated one', async () => {
    const secret = 'deploy-admin-token-0123456789abcdef';
    const t = await startTestApp({ ADMIN_TOKEN: secret });
    try {
      expect(t.app.bootstrapToken).toBeNull();
      const r = await t.gql('{ viewer { name role } }', {}, secret);
      expect(r.data).toEqual({ viewer: { name: 'bootstrap admin (ADMIN_TOKEN)', role: 'ADMIN' } });
    } finally {
      await t.close();
    }
  });
});

describe('migrations', () => {
  it('take an empty database exactly to prisma/schema.prisma (no schema change without its migration)', async () => {
    const shadow = await PGlite.create('memory://');
    try {
      expect(await diffSchemaAgainstMigrations(new PrismaPGlite(shadow))).toBeUndefined();
    } finally {
      await shadow.close();
    }
  });
});
