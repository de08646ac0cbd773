/**
 * The suite's log audit (tests/helpers/secret-audit.ts) is wired: the run's directory reaches this
 * forked worker, the shared helpers register the secrets they create and send, every app built by
 * startTestApp writes its log there, and a secret that does reach a log is found. The planted leak
 * goes to a directory of this test's own, so the run's audit stays clean.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataOf, startTestApp, type TestApp } from '../helpers/app.js';
import { AUDIT_DIR_ENV, findLeaks, prepareAuditDir } from '../helpers/secret-audit.js';

const runDir = process.env[AUDIT_DIR_ENV];
const ownDir = mkdtempSync(join(tmpdir(), 'stockline-secret-audit-test-'));
let t: TestApp;

beforeAll(async () => {
  prepareAuditDir(ownDir);
  process.env[AUDIT_DIR_ENV] = ownDir;
  t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
});
afterAll(async () => {
  await t?.close();
  process.env[AUDIT_DIR_ENV] = runDir;
  rmSync(ownDir, { recursive: true, force: true });
});

it('the run hands its audit directory to the workers', () => {
  expect(runDir).toBeTruthy();
  expect(readdirSync(runDir!).sort()).toEqual(['logs', 'secrets']);
});

it('finds a secret created through the shared helpers in an app log, and nothing else', async () => {
  const token = dataOf(await t.gql('mutation { createApiToken(input: { name: "audit", role: VIEWER }) { token } }')).createApiToken.token as string;
  const webhookSecret = `audit-webhook-secret-${'w'.repeat(24)}`;
  dataOf(await t.gql('mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }', { input: { url: 'http://127.0.0.1:9/hook', secret: webhookSecret } }));
  const viewer = await t.tokenFor('VIEWER');
  expect(findLeaks(ownDir)).toEqual([]);

  t.app.services.logger.info(`a careless line carrying ${token}`);
  const leaks = findLeaks(ownDir);
  expect(leaks).toHaveLength(1);
  expect(leaks[0]!.excerpt).toContain('a careless line carrying <SECRET>');
  expect(leaks[0]!.secret).not.toContain(token);

  // Each kind of secret the helpers handle is registered: the admin token, a token from tokenFor, a webhook secret.
  for (const secret of [t.adminToken, viewer, webhookSecret]) t.app.services.logger.info(`also ${secret}`);
  expect(findLeaks(ownDir)).toHaveLength(4);
});
