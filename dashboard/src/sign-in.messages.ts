/** Words of the sign-in form, and why a token check failed (also said when a saved token is checked again). */
import type { CheckFailure } from './auth';
import { defineMessages } from './i18n';

export const signInMessages = defineMessages('sign-in', {
  title: 'Stockline operations',
  intro: 'Sign in with an API token (VIEWER reads; OPERATOR and ADMIN may also start syncs and run production).',
  token: 'API token',
  empty: 'Paste an API token first.',
  checking: 'Checking…',
  signIn: 'Sign in',
  unreachable: 'Cannot reach the Stockline server. Is it running?',
  refused: 'This token was not accepted: it is unknown, revoked or expired.',
  rateLimited: 'Too many requests with this token; try again in a minute.',
  server: '{detail}',
  tokenRejected: 'The server no longer accepts this token; sign in again.',
});

/** A failed check as a sentence in the user's language. */
export const failureText = (t: (key: keyof (typeof signInMessages)['en'], vars?: Record<string, string>) => string, failure: CheckFailure): string => t(failure.reason, { detail: failure.detail ?? '' });
