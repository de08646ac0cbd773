import { z } from 'zod';
import { isEventType } from '../../events/event-types.js';

// The rules every caller gets, whatever its own input layer checks.

const id = z.uuid('must be a valid id');
const url = z
  .string()
  .trim()
  .max(2000, 'url is at most 2000 characters')
  .pipe(z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }));
/** Event type names; each unknown one is reported at its index (input.events.<i>). */
const events = z.array(z.string().trim().refine(isEventType, { error: (issue) => `unknown event type "${String(issue.input)}"; see the eventTypes query` })).max(100);
const secret = z.string().min(24, 'secret must be at least 24 characters').max(256, 'secret is at most 256 characters');
const retryCount = z.number().int().min(0, 'retryCount must be between 0 and 20').max(20, 'retryCount must be between 0 and 20');
const timeoutMs = z.number().int().min(100, 'timeoutMs must be between 100 and 30000').max(30_000, 'timeoutMs must be between 100 and 30000');
const description = z.string().trim().max(1000, 'description is at most 1000 characters');
const deadLetterPolicy = z.enum(['SKIP', 'HOLD']);
const maxPerSecond = z.number().int().min(1, 'maxPerSecond must be between 1 and 1000').max(1000, 'maxPerSecond must be between 1 and 1000');
const contactEmail = z.email('contactEmail must be an email address').max(320);

export const webhookCreate = z.object({
  url,
  events: events.nullish(),
  secret: secret.nullish(),
  active: z.boolean().nullish(),
  retryCount: retryCount.nullish(),
  timeoutMs: timeoutMs.nullish(),
  description: description.nullish(),
  ordered: z.boolean().nullish(),
  deadLetterPolicy: deadLetterPolicy.nullish(),
  maxPerSecond: maxPerSecond.nullish(),
  contactEmail: contactEmail.nullish(),
});

/** Fields left out (or null) keep their value, except maxPerSecond and contactEmail, which null clears; the secret changes only through rotation. */
export const webhookUpdate = z.object({
  id,
  url: url.nullish(),
  events: events.nullish(),
  active: z.boolean().nullish(),
  retryCount: retryCount.nullish(),
  timeoutMs: timeoutMs.nullish(),
  description: description.nullish(),
  ordered: z.boolean().nullish(),
  deadLetterPolicy: deadLetterPolicy.nullish(),
  maxPerSecond: maxPerSecond.nullish(),
  contactEmail: contactEmail.nullish(),
  /** With active: true on a disabled webhook, or alone: replay its dead letters (a task). */
  replayDeadLetters: z.boolean().nullish(),
});

export const byId = z.object({ id });
export const rotateInput = z.object({
  id,
  secret: secret.nullish(),
  graceSeconds: z.number().int().min(0, 'graceSeconds must be between 0 and 2592000').max(2_592_000, 'graceSeconds must be between 0 and 2592000').nullish(),
});

export type WebhookCreate = z.infer<typeof webhookCreate>;
