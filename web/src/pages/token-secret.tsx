import { useState } from 'react';

/**
 * A new secret, shown this once. It lives only in the state of the dialog showing it: closing the
 * dialog or reloading the page drops it, and the API has no way to show it again.
 */
export function SecretReveal({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Clipboard refused (no permission): the field is selectable instead.
      setCopied(false);
    }
  };
  return (
    <div className="stack">
      <div className="notice notice-warn" role="note">
        <strong>Copy this token now.</strong>
        <p>
          You will not be able to view this token again after you close this dialog. Store it
          somewhere safe.
        </p>
      </div>
      <label className="field">
        <span className="field-label">Token secret</span>
        <input
          className="secret"
          readOnly
          value={secret}
          onFocus={(event) => event.target.select()}
          spellCheck={false}
        />
      </label>
      <div className="dialog-actions">
        <span role="status" className="muted">
          {copied ? 'Copied to the clipboard.' : ''}
        </span>
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
