import { useState } from 'react';
import { PageHeader } from '../components/feedback.js';
import { useSession } from '../session.js';

/**
 * GraphiQL is the gateway's own page at /graphql. The header is handed over by the clipboard:
 * any other way would put the secret in a URL or in GraphiQL's localStorage, and the console
 * keeps it in neither.
 */
export function GraphiqlPage() {
  const { token } = useSession();
  const [copied, setCopied] = useState(false);
  const header = JSON.stringify({ Authorization: `Bearer ${token}` });
  const masked = JSON.stringify({
    Authorization: `Bearer ${token.slice(0, 8)}…${token.slice(-4)}`,
  });
  const copy = async () => {
    await navigator.clipboard.writeText(header);
    setCopied(true);
  };
  return (
    <>
      <PageHeader
        title="GraphiQL"
        description="Write queries against the admin and metadata APIs with the signed-in token."
      />
      <section className="card stack">
        <h2>Headers for this token</h2>
        <p>Copy the header, open GraphiQL, and paste it into the Headers tab.</p>
        <pre
          className="code-block"
          role="region"
          aria-label="Header with the signed-in token (shortened)"
        >
          {masked}
        </pre>
        <div className="row">
          <button type="button" className="button button-primary" onClick={copy}>
            Copy header
          </button>
          <a className="button" href="/graphql" target="_blank" rel="noopener">
            Open GraphiQL (admin API)
          </a>
          <a className="button" href="/discovery/graphql" target="_blank" rel="noopener">
            Open GraphiQL (metadata API)
          </a>
          <span role="status" className="muted">
            {copied ? 'Copied to the clipboard.' : ''}
          </span>
        </div>
      </section>
    </>
  );
}
