/**
 * docker-compose.yml is the documented scale-out deployment; nothing here can run Docker, so this
 * checks what would make it fail or misbehave: the roles and their count, migrations applied once
 * before any instance starts, every app service's environment accepted by the service's own
 * configuration parser, and the shared secrets required rather than defaulted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv } from '../../src/env.js';

const ROOT = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; command?: string[]; depends_on?: Record<string, { condition: string }>; ports?: string[] }>;
};

/** Compose's `${NAME:-default}` and `${NAME:?message}` interpolation, from `vars`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, kind?: string, rest?: string) => {
    if (vars[name]) return vars[name];
    if (kind === '-') return rest ?? '';
    throw new Error(`${name} is required: ${rest}`);
  });
}

const SECRETS = { ADMIN_TOKEN: 'a'.repeat(64), CREDENTIALS_KEY: 'b'.repeat(64), METRICS_TOKEN: 'c'.repeat(64) };
const appServices = Object.entries(compose.services).filter(([, s]) => s.environment?.ROLE);

describe('docker-compose.yml', () => {
  it('runs postgres, redis, a one-off migration, two api instances and one worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api-1', 'api-2', 'migrate', 'postgres', 'redis', 'worker']);
    expect(appServices.map(([name, s]) => [name, s.environment!.ROLE])).toEqual([
      ['api-1', 'api'],
      ['api-2', 'api'],
      ['worker', 'worker'],
    ]);
    // Each api publishes its own host port; the worker serves only health and metrics inside the network.
    expect(compose.services['api-1']!.ports).toEqual(['4000:4000']);
    expect(compose.services['api-2']!.ports).toEqual(['4001:4000']);
    expect(compose.services.worker!.ports).toBeUndefined();
  });

  it('applies migrations once, before any instance starts, and no instance migrates on its own', () => {
    expect(compose.services.migrate!.command).toEqual(['npm', 'run', 'db:migrate']);
    for (const [name, service] of appServices) {
      expect(service.depends_on, name).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(service.environment!.MIGRATE_ON_START, name).toBe('false');
    }
  });

  it("gives every instance a configuration the service accepts, on the compose file's PostgreSQL and Redis", () => {
    for (const [name, service] of [...appServices, ['migrate', compose.services.migrate!] as const]) {
      const vars = Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, interpolate(String(v), SECRETS)]));
      const env = parseEnv(vars);
      expect(env.NODE_ENV, name).toBe('production');
      expect(new URL(env.DATABASE_URL!).hostname, name).toBe('postgres');
      expect(new URL(env.REDIS_URL!).hostname, name).toBe('redis');
      expect(env.ADMIN_TOKEN, name).toBe(SECRETS.ADMIN_TOKEN);
      expect(env.CREDENTIALS_KEY, name).toBe(SECRETS.CREDENTIALS_KEY);
      expect(env.METRICS_TOKEN, name).toBe(SECRETS.METRICS_TOKEN);
    }
  });

  it('refuses to start without the shared secrets instead of using a default anyone can read', () => {
    const environment = compose.services['api-1']!.environment!;
    expect(() => interpolate(environment.ADMIN_TOKEN!, {})).toThrow(/ADMIN_TOKEN is required/);
    expect(() => interpolate(environment.CREDENTIALS_KEY!, {})).toThrow(/CREDENTIALS_KEY is required/);
    expect(() => interpolate(environment.METRICS_TOKEN!, {})).toThrow(/METRICS_TOKEN is required/);
  });
});
