/** The sign-in form: an API token, checked against the API before it is kept. */
import { useState } from 'preact/hooks';
import { checkToken, type CheckFailure, type Session } from './auth';
import { LocaleSwitch } from './locale-switch';
import { useT } from './i18n';
import { failureText, signInMessages } from './sign-in.messages';

/** What the form says above the token field: why the user was signed out, or a failed check of the saved token. */
export type SignInNotice = CheckFailure | 'tokenRejected';

export function SignIn({ onSignedIn, notice }: { onSignedIn(session: Session): void; notice?: SignInNotice | null }) {
  const t = useT(signInMessages);
  const [token, setToken] = useState('');
  const [error, setError] = useState<CheckFailure | 'empty' | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('empty');
      return;
    }
    setChecking(true);
    setError(null);
    const answer = await checkToken(value);
    setChecking(false);
    if ('reason' in answer) setError(answer);
    else onSignedIn({ token: value, viewer: answer.viewer });
  };

  return (
    <main class="sign-in">
      <form class="panel" onSubmit={submit} aria-labelledby="sign-in-title">
        <div class="sign-in-head">
          <h1 id="sign-in-title">{t('title')}</h1>
          <LocaleSwitch />
        </div>
        <p class="muted">{t('intro')}</p>
        {notice ? (
          <p class="notice" role="status">
            {notice === 'tokenRejected' ? t('tokenRejected') : failureText(t, notice)}
          </p>
        ) : null}
        <label>
          {t('token')}
          <input type="password" name="token" autoComplete="off" value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} required />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error === 'empty' ? t('empty') : failureText(t, error)}
          </p>
        ) : null}
        <button type="submit" disabled={checking}>
          {checking ? t('checking') : t('signIn')}
        </button>
      </form>
    </main>
  );
}
