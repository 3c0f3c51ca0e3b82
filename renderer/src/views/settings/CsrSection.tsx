import { useState } from 'react';
import type { CsrInput, CsrResult } from '../../../../main/contract';
import { TextField } from '../../components/fields';
import { ErrorSummary, errorFor } from '../../components/ErrorSummary';
import { SummaryList } from '../../components/bits';
import type { FieldError } from '../../state/compose-form';
import { useSettingsStore } from '../../state/settings-store';
import { useAppStore } from '../../state/app-store';
import { cleanPath } from '../../state/mailbox-form';
import { mesh } from '../../mesh';

/** Checks the certificate-request fields (MESH common names are at most 64 characters, no spaces). */
export function validateCsr(commonName: string, organisation: string): FieldError[] {
  const errors: FieldError[] = [];
  const cn = commonName.trim();
  if (!cn) errors.push({ field: 'csr-common-name', message: 'Enter the common name your MESH guidance gave you' });
  else if (/\s/.test(cn)) errors.push({ field: 'csr-common-name', message: 'The common name must not contain spaces' });
  else if (cn.length > 64) errors.push({ field: 'csr-common-name', message: 'The common name must be 64 characters or fewer' });
  if (organisation.trim().length > 64)
    errors.push({ field: 'csr-organisation', message: 'The organisation must be 64 characters or fewer' });
  return errors;
}

/** Settings → Create a certificate request: makes the key and request, and says where to send it. */
export function CsrSection() {
  const generateCsr = useSettingsStore((s) => s.generateCsr);
  const canChooseFolder = useAppStore((s) => s.info?.capabilities.chooseFolder ?? false);
  const [commonName, setCommonName] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [folder, setFolder] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [attempts, setAttempts] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [result, setResult] = useState<CsrResult>();

  const submit = async () => {
    const found = validateCsr(commonName, organisation);
    setErrors(found);
    setFailure(undefined);
    if (found.length) {
      setAttempts((n) => n + 1);
      return;
    }
    const input: CsrInput = { commonName: commonName.trim() };
    if (organisation.trim()) input.organisation = organisation.trim();
    if (cleanPath(folder)) input.folder = cleanPath(folder);
    setBusy(true);
    const answer = await generateCsr(input);
    setBusy(false);
    if (answer.ok) setResult(answer.value);
    else setFailure(answer.message);
  };

  return (
    <section aria-labelledby="settings-csr">
      <h2 id="settings-csr">Create a certificate request</h2>
      <p>
        To get a certificate for a mailbox, you send NHS England a certificate request. This makes one for you, with its private key, and
        tells you where to send it.
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <ErrorSummary errors={errors} focusKey={attempts} title="There is a problem with the certificate request" />
        <TextField
          id="csr-common-name"
          label="Common name"
          hint="Usually your mailbox ID, then your ODS code, then .api.mesh-client.nhs.uk — check the MESH guidance you were sent."
          width="full"
          code
          value={commonName}
          error={errorFor(errors, 'csr-common-name')}
          onChange={setCommonName}
        />
        <TextField
          id="csr-organisation"
          label="Organisation (optional)"
          width={30}
          value={organisation}
          error={errorFor(errors, 'csr-organisation')}
          onChange={setOrganisation}
        />
        <div className="app-inline-form">
          <TextField
            id="csr-folder"
            label="Save the files in (optional)"
            hint="Leave empty to use the MESH Desktop data folder."
            width="full"
            code
            value={folder}
            onChange={setFolder}
          />
          {canChooseFolder && (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
              onClick={async () => {
                const reply = await mesh().chooseFolder({ title: 'Where to save the certificate request' });
                const chosen = reply.ok ? reply.value : null;
                if (chosen) setFolder(chosen);
              }}
            >
              Choose folder…
            </button>
          )}
        </div>
        <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={busy}>
          {busy ? 'Creating…' : 'Create the request'}
        </button>
      </form>
      {failure && (
        <p className="nhsuk-error-message" role="alert">
          {failure}
        </p>
      )}
      {result && (
        <div className="app-subsection" role="status">
          <h3>Your certificate request is ready</h3>
          <SummaryList
            className="nhsuk-summary-list--no-border"
            label="Files created"
            rows={[
              { key: 'csr', label: 'Request (send this)', value: <span className="app-code app-break">{result.csrPath}</span> },
              {
                key: 'key',
                label: 'Private key (keep this safe; never send it)',
                value: <span className="app-code app-break">{result.keyPath}</span>,
              },
              {
                key: 'instructions',
                label: 'These instructions',
                value: <span className="app-code app-break">{result.instructionsPath}</span>,
              },
            ]}
          />
          <h4 className="nhsuk-heading-xs">What to do next</h4>
          <div className="app-instructions">{result.instructions}</div>
        </div>
      )}
    </section>
  );
}
