/** The shell: sign-in, then the urql client for that token, navigation and the current page. */
import { Provider } from '@urql/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { checkToken, forgetToken, storeToken, storedToken, type CheckFailure, type Role, type Session } from './auth';
import { createApiClient, type SocketState } from './client';
import { ReconnectsContext } from './connection';
import { LocaleContext, initialLocale, loadLocale, saveLocale, setCurrentLocale, translate, useT, type Locale } from './i18n';
import { LocaleSwitch, LocaleSwitchContext } from './locale-switch';
import { CurrentPage } from './pages';
import { routesFor, useRoute, type RouteName } from './router';
import { SessionContext } from './session';
import { shellMessages } from './shell.messages';
import { SignIn, type SignInNotice } from './sign-in';
import { failureText, signInMessages } from './sign-in.messages';

export { LocaleSwitch } from './locale-switch';

export function App() {
  const [locale, setLocale] = useState<Locale>(() => {
    const chosen = initialLocale();
    setCurrentLocale(chosen);
    document.documentElement.lang = chosen;
    return chosen;
  });
  // The newest choice wins when the words of an earlier one arrive after it.
  const chosen = useRef(locale);
  const switchLocale = (next: Locale) => {
    chosen.current = next;
    const apply = () => {
      if (chosen.current !== next) return;
      setCurrentLocale(next);
      saveLocale(next);
      setLocale(next);
    };
    // Words that cannot be fetched leave the pages in English; dates and money still follow the choice.
    void loadLocale(next).then(apply, apply);
  };
  // The tab's title in the chosen language too.
  useEffect(() => {
    document.title = translate(signInMessages, locale, 'title');
  }, [locale]);
  return (
    <LocaleContext.Provider value={locale}>
      <LocaleSwitchContext.Provider value={switchLocale}>
        <Shell />
      </LocaleSwitchContext.Provider>
    </LocaleContext.Provider>
  );
}

function Shell() {
  const t = useT(shellMessages);
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState<SignInNotice | null>(null);
  const [restoreError, setRestoreError] = useState<CheckFailure | null>(null);

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
        setNotice(answer);
      } else setRestoreError(answer);
      setRestoring(false);
    });
  }, []);
  useEffect(restore, [restore]);

  const signIn = (next: Session) => {
    storeToken(next.token);
    setNotice(null);
    setSession(next);
  };
  const signOut = (why?: SignInNotice) => {
    forgetToken();
    setSession(null);
    setRestoreError(null);
    setNotice(why ?? null);
  };

  if (restoring) return <p class="muted centered">{t('signingIn')}</p>;
  if (restoreError) return <RestoreFailed error={restoreError} onRetry={restore} onSignOut={() => signOut()} />;
  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <SignedIn session={session} onSignOut={signOut} />;
}

function RestoreFailed({ error, onRetry, onSignOut }: { error: CheckFailure; onRetry(): void; onSignOut(): void }) {
  const t = useT(shellMessages);
  const words = useT(signInMessages);
  return (
    <main class="sign-in">
      <section class="panel" aria-labelledby="restore-title">
        <h1 id="restore-title">{words('title')}</h1>
        <p class="error" role="alert">
          {t('restoreFailed', { error: failureText(words, error) })}
        </p>
        <p class="muted">{t('tokenKept')}</p>
        <div class="actions">
          <button type="button" onClick={onRetry}>
            {t('tryAgain')}
          </button>
          <button type="button" class="secondary" onClick={onSignOut}>
            {t('otherToken')}
          </button>
        </div>
      </section>
    </main>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut(why?: SignInNotice): void }) {
  const api = useMemo(() => createApiClient(session.token, () => onSignOut('tokenRejected')), [session.token]);
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
  const main = useMainFocus(route);

  return (
    <Provider value={api.client}>
      <SessionContext.Provider value={session.viewer}>
        <ReconnectsContext.Provider value={reconnects}>
          <TopBar route={route} socket={socket} name={session.viewer.name} role={session.viewer.role} onSignOut={() => onSignOut()} />
          <main class="content" id="content" tabIndex={-1} ref={main}>
            <CurrentPage route={route} />
          </main>
        </ReconnectsContext.Provider>
      </SessionContext.Provider>
    </Provider>
  );
}

/**
 * After the user moved to another page, focus goes to the page's content (a keyboard or screen
 * reader user starts there, not back at the top of the header); not on the first page shown.
 */
function useMainFocus(route: RouteName) {
  const main = useRef<HTMLElement>(null);
  const shown = useRef(route);
  useEffect(() => {
    if (shown.current === route) return;
    shown.current = route;
    main.current?.focus();
  }, [route]);
  return main;
}

/** The header's label of a page: the shell's words for its name, else the route's own (English) label. */
function useNavLabel() {
  const t = useT(shellMessages);
  return (route: { name: string; label: string }) => {
    const key = `nav.${route.name}`;
    return key in shellMessages.en ? t(key as keyof (typeof shellMessages)['en']) : route.label;
  };
}

/**
 * The header. Wide, everything stands in one row; at 600 px and less the pages, language and
 * account collapse behind a Menu button (aria-expanded): opening it moves focus to the first
 * page link, Escape or choosing a page closes it and gives focus back to the button.
 */
function TopBar({ route, socket, name, role, onSignOut }: { route: RouteName; socket: SocketState; name: string; role: Role; onSignOut(): void }) {
  const t = useT(shellMessages);
  const navLabel = useNavLabel();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLElement>('a, button, select')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <header class="top">
      <a class="skip-link" href="#content" onClick={(event) => skipToContent(event)}>
        {t('skip')}
      </a>
      <strong class="brand">Stockline</strong>
      <span class={`live live-${socket}`} role="status" title={socket === 'reconnecting' ? t('reconnectingTitle') : t('liveTitle')}>
        {socket === 'live' ? t('live') : socket === 'connecting' ? t('connecting') : t('reconnecting')}
      </span>
      <button type="button" class="menu-button secondary" ref={button} aria-expanded={open} aria-controls="top-menu" onClick={() => setOpen(!open)}>
        <span aria-hidden="true" class="menu-icon" /> {t('menu')}
      </button>
      <div id="top-menu" class={`top-menu${open ? ' open' : ''}`} ref={menu}>
        <nav aria-label={t('pages')}>
          {routesFor(role).map((r) => (
            <a key={r.name} href={r.path} aria-current={route === r.name ? 'page' : undefined} onClick={() => setOpen(false)}>
              {navLabel(r)}
            </a>
          ))}
        </nav>
        <LocaleSwitch />
        <span class="who">
          {name} · {t(`role_${role}`)}
        </span>
        <button type="button" class="secondary" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}

/** The skip link moves focus, not only the scroll position (and keeps the hash route as it is). */
function skipToContent(event: Event) {
  event.preventDefault();
  document.getElementById('content')?.focus();
}
