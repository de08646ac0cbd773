/**
 * The shell's words: header, menu, connection state, restoring a session, and the navigation
 * labels by route name: every page's, also those of pages other branches add (their label
 * falls back to the route's English `label` when a name is missing here).
 */
import { defineMessages } from './i18n';

export const shellMessages = defineMessages('shell', {
  skip: 'Skip to content',
  menu: 'Menu',
  pages: 'Pages',
  language: 'Language',
  signOut: 'Sign out',
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  liveTitle: 'Subscriptions connection: pages update by themselves while it is live',
  reconnectingTitle: 'Connection lost: updates resume (and the pages are read again) once it is back',
  signingIn: 'Signing in…',
  restoreFailed: 'Your saved token could not be checked: {error}',
  tokenKept: 'The token is kept; nothing says it is no longer valid.',
  tryAgain: 'Try again',
  pageLoading: 'Loading the page…',
  pageFailed: 'The page could not be loaded (the network, or a new version of the service).',
  otherToken: 'Sign in with another token',
  role_VIEWER: 'VIEWER',
  role_OPERATOR: 'OPERATOR',
  role_ADMIN: 'ADMIN',
  'nav.overview': 'Overview',
  'nav.catalog': 'Catalog',
  'nav.orders': 'Orders',
  'nav.conflicts': 'Conflicts',
  'nav.accounts': 'Accounts',
  'nav.schedules': 'Schedules',
  'nav.logs': 'Logs',
  'nav.production': 'Production',
  'nav.history': 'History',
  'nav.files': 'Files',
  'nav.webhooks': 'Webhooks',
  'nav.tokens': 'API tokens',
});
