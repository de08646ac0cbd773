/** The sign-in form: an API token, checked against the API before it is kept. */
import { useState } from 'preact/hooks';
import { checkToken, type Session } from './auth';

export function SignIn({ onSignedIn, notice }: { onSignedIn(session: Session): void; notice?: string | null }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Paste an API token first.');
      return;
    }
    setChecking(true);
    setError(null);
    const answer = await checkToken(value);
    setChecking(false);
    if ('error' in answer) setError(answer.error);
    else onSignedIn({ token: value, viewer: answer.viewer });
  };

  return (
    <main class="sign-in">
      <form class="panel" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Stockline operations</h1>
        <p class="muted">Sign in with an API token (VIEWER reads; OPERATOR and ADMIN may also start syncs and run production).</p>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        <label>
          API token
          <input type="password" name="token" autoComplete="off" value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} required />
        </label>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={checking}>
          {checking ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
