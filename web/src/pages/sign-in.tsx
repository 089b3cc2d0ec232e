import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../components/feedback.js';
import { useSessionState } from '../session.js';

export function SignIn() {
  const { signIn } = useSessionState();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token.trim());
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <form className="sign-in-card" onSubmit={submit}>
        <div className="sign-in-brand">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <h1>Sign in to Tollgate</h1>
        </div>
        <p className="muted">
          Paste a service token. The console shows what that token may do, and nothing more. The
          token is kept in this browser tab only, and forgotten when you sign out or close the tab.
        </p>
        <label className="field">
          <span className="field-label">Service token</span>
          <input
            type="password"
            name="token"
            autoComplete="off"
            spellCheck={false}
            placeholder="tgs_…"
            value={token}
            onChange={(event) => setToken(event.target.value)}
            required
          />
        </label>
        <ErrorNotice error={error} title="Sign-in failed" />
        <button
          type="submit"
          className="button button-primary button-block"
          disabled={busy || token.trim() === ''}
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          No token yet? An Account Admin generates one under Account settings → Service tokens; the
          gateway prints the first one when it starts on an empty database.
        </p>
      </form>
    </main>
  );
}
