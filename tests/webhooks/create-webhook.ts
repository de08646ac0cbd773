/** Creates a webhook through the API as the test app's ADMIN and returns its id (the payload must carry no errors). */
import { expect } from 'vitest';
import { dataOf, type TestApp } from '../helpers/app.js';

export async function createWebhookThroughApi(t: TestApp, input: Record<string, unknown>): Promise<string> {
  const created = dataOf(await t.gql(`mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { webhook { id } errors { code message } } }`, { i: input })).createWebhook;
  expect(created.errors).toEqual([]);
  return created.webhook.id as string;
}
