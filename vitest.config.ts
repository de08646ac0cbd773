import { defineConfig } from 'vitest/config';

// Database-backed suites run twice: once on real PostgreSQL, once on embedded PGlite.
// Each test file creates (and drops) its own database, a copy of one migrated per run; see
// tests/helpers/app.ts and tests/helpers/template-database.ts.
const dbSuites = ['tests/**/*.test.ts'];
// On PostgreSQL only: two instances on one database (PGlite is one process's database), and
// GraphiQL in a browser (the page and its client are the same whatever the database).
const postgresOnly = ['tests/monitoring/redis-readiness.test.ts', 'tests/events/redis-namespace.test.ts', 'tests/access/token-cache.test.ts', 'tests/access/sse-revocation.test.ts', 'tests/graphiql/graphiql.browser.test.ts', 'tests/dashboard/shell.browser.test.ts',
  'tests/inventory/location-lock.test.ts',
  'tests/inventory/deadlock-retry.test.ts',
  'tests/webhooks/throttle-pause-race.test.ts',
  'tests/webhooks/claim-ahead-other-instance.test.ts',
  // Injects failed commits: through pglite-prisma-adapter a COMMIT that fails is reported as committed.
  'tests/sync/log-once.test.ts',
  // The dashboard's page flows: the embedded path is covered by dashboard.browser.test.ts.
  'tests/dashboard/catalog.browser.test.ts',
  'tests/dashboard/orders.browser.test.ts',
  'tests/dashboard/conflicts.browser.test.ts',
  'tests/dashboard/figures.browser.test.ts',
  'tests/dashboard/accounts.browser.test.ts',
  'tests/dashboard/schedules.browser.test.ts',
  'tests/dashboard/webhooks.browser.test.ts',
  'tests/dashboard/files.browser.test.ts',
  'tests/dashboard/history.browser.test.ts',
];
// vi.mock replaces a module for the whole module graph: these files need one of their own.
const mocksModules = ['tests/platform/admission.test.ts'];
// Files that never open a database run once, in the unit project.
const dbFree = [
  'tests/connectors/**/*.test.ts',
  'tests/jobs/**/*.test.ts',
  'tests/simulators/**/*.test.ts',
  'tests/platform/compose.test.ts',
  'tests/platform/side-packages.test.ts',
  'tests/platform/start-imports.test.ts',
  'tests/cli/progress-view.test.ts',
  'tests/dashboard/live-runs.test.ts',
  'tests/dashboard/messages.test.ts',
  'tests/architecture/**/*.test.ts',
  'tests/schema.test.ts',
  'tests/graphql/persisted-manifest.test.ts',
  'tests/schema-descriptions.test.ts',
  'tests/scheduler/timing.test.ts',
  'tests/sync/runner-stop.test.ts',
  'tests/sync/progress-rule.test.ts',
  'tests/sync/conflict-policy.test.ts',
  'tests/platform/startup-failure.test.ts',
  'tests/platform/readme.test.ts',
  'tests/platform/adr.test.ts',
  'tests/platform/dependencies.test.ts',
  'tests/platform/lockfiles.test.ts',
  'tests/production/xlsx-text.test.ts',
  'tests/platform/generated-client.test.ts',
  'tests/db/pglite-template.test.ts',
  'tests/db/data-dir-lock-race.test.ts',
  'tests/shared/**/*.test.ts',
  'tests/graphql/shared-subscriptions-race.test.ts',
  'tests/platform/docs-build.test.ts',
  'tests/platform/docs-swap.test.ts',
];

export default defineConfig({
  // Node loads graphql's CommonJS build for the libraries; make our sources use the same copy
  // (vite would pick the .mjs one, and graphql refuses types from "another realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Fails the run when a secret a test created shows up in any app's log (tests/helpers/secret-audit.ts).
    // The migrated template database each file's database is copied from (tests/helpers/template-database.ts).
    globalSetup: ['tests/helpers/secret-audit.setup.ts', 'tests/helpers/template-database.setup.ts'],
    maxWorkers: 2,
    projects: [
      // Files of a database project share their worker's module graph (isolate: false): each file
      // builds its own app and database, and re-importing the whole service per file cost about a
      // third of the run. Files that mock modules run isolated, in their own projects.
      { extends: true, test: { name: 'postgres', isolate: false, include: dbSuites, exclude: [...dbFree, ...mocksModules], env: { TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'postgres-isolated', include: mocksModules, env: { TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'pglite', isolate: false, include: dbSuites, exclude: [...dbFree, ...postgresOnly, ...mocksModules], env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'pglite-isolated', include: mocksModules, env: { TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'unit', include: dbFree } },
    ],
  },
});
