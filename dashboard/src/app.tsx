/** The shell: sign-in, then the urql client for that token, navigation and the current page. */
import { Provider } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { checkToken, forgetToken, storeToken, storedToken, type Session } from './auth';
import { createApiClient, type SocketState } from './client';
import { LogsPage } from './logs-page';
import { OverviewPage } from './overview-page';
import { ProductionPage } from './production-page';
import { ROUTES, useRoute } from './router';
import { SessionContext } from './session';
import { SignIn } from './sign-in';
import { WebhooksPage } from './webhooks-page';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  // A token kept from earlier in this tab is checked again (it may have been revoked since).
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    void checkToken(token).then((answer) => {
      if ('viewer' in answer) setSession({ token, viewer: answer.viewer });
      else {
        forgetToken();
        setNotice(answer.error);
      }
      setRestoring(false);
    });
  }, []);

  const signIn = (next: Session) => {
    storeToken(next.token);
    setNotice(null);
    setSession(next);
  };
  const signOut = (why?: string) => {
    forgetToken();
    setSession(null);
    setNotice(why ?? null);
  };

  if (restoring) return <p class="muted centered">Signing in…</p>;
  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <SignedIn session={session} onSignOut={signOut} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut(why?: string): void }) {
  const api = useMemo(() => createApiClient(session.token, () => onSignOut('The server no longer accepts this token; sign in again.')), [session.token]);
  useEffect(() => () => api.dispose(), [api]);
  const [socket, setSocket] = useState<SocketState>(api.socketState());
  useEffect(() => api.onSocketState(setSocket), [api]);
  const route = useRoute();

  return (
    <Provider value={api.client}>
      <SessionContext.Provider value={session.viewer}>
        <header class="top">
          <strong class="brand">Stockline</strong>
          <nav aria-label="Pages">
            {ROUTES.map((r) => (
              <a key={r.name} href={r.path} aria-current={route === r.name ? 'page' : undefined}>
                {r.label}
              </a>
            ))}
          </nav>
          <span class={`live live-${socket}`} role="status" title="Subscriptions connection">
            {socket === 'live' ? 'Live' : socket === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
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
        </main>
      </SessionContext.Provider>
    </Provider>
  );
}
