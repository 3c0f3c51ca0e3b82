import { useState } from 'react';
import { useSettingsStore } from '../../state/settings-store';

/** Settings → Help: diagnostics for the IT service desk. */
export function HelpSection() {
  const copyDiagnostics = useSettingsStore((s) => s.copyDiagnostics);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const [fallback, setFallback] = useState<string>();
  return (
    <section aria-labelledby="settings-help">
      <h2 id="settings-help">Help</h2>
      <p>
        If something is not working, your IT service desk may ask for diagnostics. They describe this installation and recent problems, with
        passwords and message contents left out.
      </p>
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setStatus(undefined);
          setFallback(undefined);
          const result = await copyDiagnostics();
          setBusy(false);
          if (!result.ok) setStatus({ ok: false, text: result.message });
          else if (result.value.copied) setStatus({ ok: true, text: 'Diagnostics copied. Paste them into your email or call log.' });
          else {
            setStatus({ ok: false, text: 'The diagnostics could not be copied automatically. Select the text below and copy it.' });
            setFallback(result.value.text);
          }
        }}
      >
        {busy ? 'Collecting…' : 'Copy diagnostics'}
      </button>
      {status && (
        <p className={status.ok ? 'nhsuk-body-s' : 'nhsuk-error-message'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
      {fallback !== undefined && (
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="diagnostics-text">
            Diagnostics
          </label>
          <textarea className="nhsuk-textarea app-code" id="diagnostics-text" rows={8} readOnly value={fallback} />
        </div>
      )}
    </section>
  );
}
