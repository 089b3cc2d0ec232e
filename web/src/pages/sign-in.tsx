import { type FormEvent, useState } from 'react';
import { ErrorNotice } from '../components/feedback.js';
import { useSessionState } from '../session.js';

/** Single sign-on: the gateway's /login/<slug> sends the browser to the account's provider. */
function SingleSignOn() {
  const [slug, setSlug] = useState(() => localStorage.getItem(slugKey) ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = slug.trim().toLowerCase();
    // The slug is not a secret: remembered so that the next sign-in is one click.
    localStorage.setItem(slugKey, chosen);
    window.location.assign(`/login/${encodeURIComponent(chosen)}`);
  };
  return (
    <form className="sign-in-card" onSubmit={submit} aria-labelledby="sso-title">
      <div className="sign-in-brand">
        <img src="/favicon.svg" alt="" width="36" height="36" />
        <h1 id="sso-title">Sign in to Tollgate</h1>
      </div>
      <p className="muted">
        Sign in with your organisation's single sign-on. You see what your groups allow.
      </p>
      <label className="field">
        <span className="field-label">Account sign-in name</span>
        <input
          name="slug"
          autoComplete="organization"
          spellCheck={false}
          placeholder="acme"
          pattern="[a-zA-Z0-9][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]"
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
          required
        />
      </label>
      <button
        type="submit"
        className="button button-primary button-block"
        disabled={slug.trim() === ''}
      >
        Continue with single sign-on
      </button>
    </form>
  );
}

const slugKey = 'tollgate.console.sso-slug';

export function SignIn() {
  return (
    <main className="sign-in" id="main">
      <div className="sign-in-options">
        <SingleSignOn />
        <TokenSignIn />
      </div>
    </main>
  );
}

/** A service token: for automation and first set-up, before anyone has configured sign-on. */
function TokenSignIn() {
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
    <form className="sign-in-card" onSubmit={submit} aria-labelledby="token-title">
      <h2 id="token-title">Or sign in with a token</h2>
      <p className="muted">
        Paste a service token. The console shows what that token may do, and nothing more. The token
        is kept in this browser tab only, and forgotten when you sign out or close the tab.
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
  );
}
