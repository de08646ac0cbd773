/** The shell: sign-in, then the urql client for that token, navigation and the current page. */
import { Provider } from '@urql/preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { checkToken, forgetToken, storeToken, storedToken, type Session } from './auth';
import { createApiClient, type SocketState } from './client';
import { ReconnectsContext } from './connection';
import { LOCALES, LocaleContext, initialLocale, saveLocale, setCurrentLocale, type Locale } from './i18n';
import { LogsPage } from './logs-page';
import { OverviewPage } from './overview-page';
import { ProductionPage } from './production-page';
import { routesFor, useRoute } from './router';
import { SessionContext } from './session';
import { SignIn } from './sign-in';
import { WebhooksPage } from './webhooks-page';
import { AccountsPage } from './accounts-page';
import { SchedulesPage } from './schedules-page';
import { TokensPage } from './tokens-page';
import { FilesPage } from './files-page';
import { HistoryPage } from './history-page';

export function App() {
  const [locale, setLocale] = useState<Locale>(() => {
    const chosen = initialLocale();
    setCurrentLocale(chosen);
    document.documentElement.lang = chosen;
    return chosen;
  });
  const switchLocale = (next: Locale) => {
    setCurrentLocale(next);
    saveLocale(next);
    setLocale(next);
  };
  return (
    <LocaleContext.Provider value={locale}>
      <LocaleSwitchContext.Provider value={switchLocale}>
        <Shell />
      </LocaleSwitchContext.Provider>
    </LocaleContext.Provider>
  );
}

const LocaleSwitchContext = createContext<(locale: Locale) => void>(() => {});

/** The language menu (every page's words and dates follow it; the choice is remembered). */
export function LocaleSwitch() {
  const locale = useContext(LocaleContext);
  const switchLocale = useContext(LocaleSwitchContext);
  return (
    <select aria-label="Language" value={locale} onChange={(e) => switchLocale((e.currentTarget as HTMLSelectElement).value as Locale)}>
      {LOCALES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.label}
        </option>
      ))}
    </select>
  );
}

function Shell() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restoreError, setRestoreError] = useState<string | null>(null);

  // A token kept from earlier in this tab is checked again (it may have been revoked since). Only
  // the server refusing it forgets it: a check that failed otherwise (server restarting, 429, 5xx)
  // keeps it and can be tried again.
  const restore = useCallback(() => {
    const token = storedToken();
    if (!token) return;
    setRestoring(true);
    setRestoreError(null);
    void checkToken(token).then((answer) => {
      if ('viewer' in answer) setSession({ token, viewer: answer.viewer });
      else if (answer.refused) {
        forgetToken();
        setNotice(answer.error);
      } else setRestoreError(answer.error);
      setRestoring(false);
    });
  }, []);
  useEffect(restore, [restore]);

  const signIn = (next: Session) => {
    storeToken(next.token);
    setNotice(null);
    setSession(next);
  };
  const signOut = (why?: string) => {
    forgetToken();
    setSession(null);
    setRestoreError(null);
    setNotice(why ?? null);
  };

  if (restoring) return <p class="muted centered">Signing in…</p>;
  if (restoreError) return <RestoreFailed error={restoreError} onRetry={restore} onSignOut={() => signOut()} />;
  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <SignedIn session={session} onSignOut={signOut} />;
}

function RestoreFailed({ error, onRetry, onSignOut }: { error: string; onRetry(): void; onSignOut(): void }) {
  return (
    <main class="sign-in">
      <section class="panel" aria-labelledby="restore-title">
        <h1 id="restore-title">Stockline operations</h1>
        <p class="error" role="alert">
          Your saved token could not be checked: {error}
        </p>
        <p class="muted">The token is kept; nothing says it is no longer valid.</p>
        <div class="actions">
          <button type="button" onClick={onRetry}>
            Try again
          </button>
          <button type="button" class="secondary" onClick={onSignOut}>
            Sign in with another token
          </button>
        </div>
      </section>
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut(why?: string): void }) {
  const api = useMemo(() => createApiClient(session.token, () => onSignOut('The server no longer accepts this token; sign in again.')), [session.token]);
  useEffect(() => () => api.dispose(), [api]);
  const [socket, setSocket] = useState<SocketState>(api.socketState());
  const [reconnects, setReconnects] = useState(0);
  useEffect(() => {
    // The state may have moved between the first render and this subscription.
    setSocket(api.socketState());
    const unfollow = api.onSocketState(setSocket);
    const unlisten = api.onReconnect(() => setReconnects((n) => n + 1));
    return () => {
      unfollow();
      unlisten();
    };
  }, [api]);
  const route = useRoute(session.viewer.role);

  return (
    <Provider value={api.client}>
      <SessionContext.Provider value={session.viewer}>
        <ReconnectsContext.Provider value={reconnects}>
          <header class="top">
            <strong class="brand">Stockline</strong>
            <nav aria-label="Pages">
              {routesFor(session.viewer.role).map((r) => (
                <a key={r.name} href={r.path} aria-current={route === r.name ? 'page' : undefined}>
                  {r.label}
                </a>
              ))}
            </nav>
            <span class={`live live-${socket}`} role="status" title={socket === 'reconnecting' ? 'Connection lost: updates resume (and the pages are read again) once it is back' : 'Subscriptions connection'}>
              {socket === 'live' ? 'Live' : socket === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
            </span>
            <LocaleSwitch />
            <span class="who">
              {session.viewer.name} · {session.viewer.role}
            </span>
            <button type="button" class="secondary" onClick={() => onSignOut()}>
              Sign out
            </button>
          </header>
          <main class="content">
            {route === 'overview' ? <OverviewPage /> : null}
            {route === 'logs' ? <LogsPage /> : null}
            {route === 'production' ? <ProductionPage /> : null}
            {route === 'webhooks' ? <WebhooksPage /> : null}
            {route === 'accounts' ? <AccountsPage /> : null}
            {route === 'schedules' ? <SchedulesPage /> : null}
            {route === 'tokens' ? <TokensPage /> : null}
            {route === 'files' ? <FilesPage /> : null}
            {route === 'history' ? <HistoryPage /> : null}
          </main>
        </ReconnectsContext.Provider>
      </SessionContext.Provider>
    </Provider>
  );
}
