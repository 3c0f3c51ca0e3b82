import { useState } from 'react';
import type { Environment, MailboxSummary } from '../../../main/contract';
import { ErrorSummary, errorFor } from './ErrorSummary';
import { Radios, TextField } from './fields';
import { CertificateInputs } from './CertificateInputs';
import {
  EMPTY_MAILBOX_FORM,
  ENVIRONMENT_WORDS,
  mailboxFieldIds,
  toNewMailboxInput,
  validateMailboxForm,
  type MailboxForm as Form,
} from '../state/mailbox-form';
import type { FieldError } from '../state/compose-form';
import { useSettingsStore } from '../state/settings-store';

interface MailboxFormProps {
  /** Prefix for input ids, so two forms never share ids. */
  idPrefix: string;
  /** Environments IT allows; the training sandbox has its own button and is not offered here. */
  environments: Environment[];
  environmentsManaged?: boolean;
  submitLabel: string;
  onAdded(mailbox: MailboxSummary): void;
  onCancel?(): void;
}

/** The details of a new mailbox: where, which, the password, the shared secret and the certificate. */
export function MailboxForm({ idPrefix, environments, environmentsManaged, submitLabel, onAdded, onCancel }: MailboxFormProps) {
  const addMailbox = useSettingsStore((s) => s.addMailbox);
  const [form, setForm] = useState<Form>(() => ({
    ...EMPTY_MAILBOX_FORM,
    environment: environments.length === 1 ? (environments[0] ?? '') : '',
  }));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [attempts, setAttempts] = useState(0);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string>();
  const ids = mailboxFieldIds(idPrefix);
  const offered = environments.filter((env) => env !== 'TRAINING');

  const update = (patch: Partial<Form>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (errors.length) setErrors(validateMailboxForm(next, idPrefix));
  };

  const submit = async () => {
    const found = validateMailboxForm(form, idPrefix);
    setErrors(found);
    setFailure(undefined);
    if (found.length) {
      setAttempts((n) => n + 1);
      return;
    }
    setSaving(true);
    const result = await addMailbox(toNewMailboxInput(form));
    setSaving(false);
    if (result.ok) onAdded(result.value);
    else setFailure(result.message);
  };

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <ErrorSummary errors={errors} focusKey={attempts} />
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The mailbox was not added</h2>
          <div className="nhsuk-error-summary__body">
            <p>{failure}</p>
          </div>
        </div>
      )}
      <Radios<Environment>
        id={ids.environment}
        label="Which MESH environment is the mailbox in?"
        hint="It is in the email or letter that gave you the mailbox ID. Most organisations use Live."
        managed={environmentsManaged && offered.length <= 1}
        value={form.environment}
        error={errorFor(errors, ids.environment)}
        onChange={(environment) => update({ environment })}
        options={offered.map((env) => ({ value: env, label: ENVIRONMENT_WORDS[env].label, hint: ENVIRONMENT_WORDS[env].hint }))}
        reveal={{
          CUSTOM: (
            <TextField
              id={ids.customUrl}
              label="Address"
              hint="Starts with https://"
              width="full"
              code
              value={form.customUrl}
              error={errorFor(errors, ids.customUrl)}
              onChange={(customUrl) => update({ customUrl })}
            />
          ),
        }}
      />
      <TextField
        id={ids.mailboxId}
        label="Mailbox ID"
        hint="For example X26ABC123. It is not your NHSmail address."
        width={20}
        code
        value={form.mailboxId}
        error={errorFor(errors, ids.mailboxId)}
        onChange={(mailboxId) => update({ mailboxId })}
      />
      <TextField
        id={ids.displayName}
        label="Name for this mailbox"
        hint="What you will see in MESH Desktop, such as “Riverside Surgery results”."
        width={30}
        spellCheck
        value={form.displayName}
        error={errorFor(errors, ids.displayName)}
        onChange={(displayName) => update({ displayName })}
      />
      <TextField
        id={ids.password}
        label="Mailbox password"
        type="password"
        width={20}
        autoComplete="new-password"
        value={form.password}
        error={errorFor(errors, ids.password)}
        onChange={(password) => update({ password })}
      />
      <TextField
        id={ids.sharedKey}
        label="Environment shared secret (if you were given one)"
        hint="A long phrase that came with your mailbox details. Leave it empty if your IT department has set it up on this computer already."
        type="password"
        width={30}
        autoComplete="off"
        value={form.sharedKey}
        error={errorFor(errors, ids.sharedKey)}
        onChange={(sharedKey) => update({ sharedKey })}
      />
      <CertificateInputs ids={ids} value={form.certificate} errors={errors} onChange={(certificate) => update({ certificate })} />
      <p className="nhsuk-body-s">
        Passwords are kept in your computer’s password store (Windows Credential Manager), never in a file. Certificate files stay where
        they are.
      </p>
      <div className="app-button-row">
        <button className="nhsuk-button" type="submit" disabled={saving}>
          {saving ? 'Adding the mailbox…' : submitLabel}
        </button>
        {onCancel && (
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onCancel} disabled={saving}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
