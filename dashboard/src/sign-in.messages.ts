/** Words of the sign-in form, and why a token check failed (also said when a saved token is checked again). */
import type { CheckFailure } from './auth';
import { defineMessages } from './i18n';

export const signInMessages = defineMessages(
  {
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
  },
  {
    ru: {
      title: 'Stockline: операции',
      intro: 'Войдите с API-токеном (VIEWER только просматривает; OPERATOR и ADMIN также запускают синхронизации и ведут производство).',
      token: 'API-токен',
      empty: 'Сначала вставьте API-токен.',
      checking: 'Проверка…',
      signIn: 'Войти',
      unreachable: 'Нет связи с сервером Stockline. Он запущен?',
      refused: 'Токен не принят: он неизвестен, отозван или истёк.',
      rateLimited: 'Слишком много запросов с этим токеном; повторите через минуту.',
      server: 'Ответ сервера: {detail}',
      tokenRejected: 'Сервер больше не принимает этот токен; войдите снова.',
    },
    ro: {
      title: 'Stockline: operațiuni',
      intro: 'Autentifică-te cu un token API (VIEWER doar vizualizează; OPERATOR și ADMIN pot porni sincronizări și pot conduce producția).',
      token: 'Token API',
      empty: 'Lipește mai întâi un token API.',
      checking: 'Se verifică…',
      signIn: 'Autentificare',
      unreachable: 'Serverul Stockline nu răspunde. Este pornit?',
      refused: 'Tokenul nu a fost acceptat: este necunoscut, revocat sau expirat.',
      rateLimited: 'Prea multe cereri cu acest token; încearcă din nou peste un minut.',
      server: 'Răspunsul serverului: {detail}',
      tokenRejected: 'Serverul nu mai acceptă acest token; autentifică-te din nou.',
    },
  },
);

/** A failed check as a sentence in the user's language. */
export const failureText = (t: (key: keyof (typeof signInMessages)['en'], vars?: Record<string, string>) => string, failure: CheckFailure): string => t(failure.reason, { detail: failure.detail ?? '' });
