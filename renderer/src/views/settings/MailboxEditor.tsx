import { useState } from 'react';
import type { MailboxField, MailboxPatch, MailboxSettings, SettingsSnapshot } from '../../../../main/contract';
import { ErrorSummary, errorFor } from '../../components/ErrorSummary';
import { Checkbox, Radios, TextField } from '../../components/fields';
import { CertificateInputs } from '../../components/CertificateInputs';
import {
  EMPTY_CERTIFICATE,
  cleanPath,
  mailboxFieldIds,
  toCertificateInput,
  validateCertificate,
  type CertificateFields,
} from '../../state/mailbox-form';
import type { FieldError } from '../../state/compose-form';
import { useSettingsStore } from '../../state/settings-store';
import { useAppStore } from '../../state/app-store';
import { mesh, unwrap, messageFor } from '../../mesh';

export interface EditorForm {
  displayName: string;
  downloadFolder: string;
  pollIntervalMinutes: string;
  acknowledge: 'after-save' | 'manual';
  password: string;
  /** The environment's shared secret; empty keeps the saved one. */
  sharedKey: string;
  /** The password of a certificate IT's policy names. */
  certificatePassphrase: string;
  replaceCertificate: boolean;
  certificate: CertificateFields;
  /** Work like the Java MESH Client: send what is dropped in OUT, save what arrives in IN. */
  folderMode: boolean;
  folderModeFolder: string;
}

/** Checks the editor's fields; exported for tests. */
export function validateMailboxEdit(form: EditorForm, prefix: string, minimumPoll: number): FieldError[] {
  const ids = mailboxFieldIds(prefix);
  const errors: FieldError[] = [];
  if (!form.displayName.trim()) errors.push({ field: ids.displayName, message: 'Enter a name for this mailbox' });
  else if (form.displayName.trim().length > 100)
    errors.push({ field: ids.displayName, message: 'The name must be 100 characters or fewer' });
  if (!cleanPath(form.downloadFolder))
    errors.push({ field: `${prefix}-download-folder`, message: 'Enter the folder to save downloads in' });
  const minutes = Number(form.pollIntervalMinutes);
  const floor = Math.max(5, minimumPoll);
  if (!Number.isInteger(minutes))
    errors.push({ field: `${prefix}-poll`, message: 'Enter the number of minutes between checks, as a whole number' });
  else if (minutes < floor)
    errors.push({ field: `${prefix}-poll`, message: `Check at most every ${floor} minutes: MESH asks clients not to check more often` });
  else if (minutes > 1440) errors.push({ field: `${prefix}-poll`, message: 'Check at least once a day (1440 minutes)' });
  if (form.replaceCertificate) errors.push(...validateCertificate(form.certificate, ids));
  if (form.folderMode && !cleanPath(form.folderModeFolder))
    errors.push({ field: `${prefix}-folder-mode-folder`, message: 'Enter the mailbox folder that holds IN, OUT, SENT and FAILED' });
  return errors;
}

/** The changes to send: only what differs from the saved settings. */
export function mailboxPatch(form: EditorForm, saved: MailboxSettings): MailboxPatch {
  const patch: MailboxPatch = {};
  if (form.displayName.trim() !== saved.displayName) patch.displayName = form.displayName.trim();
  if (cleanPath(form.downloadFolder) !== saved.downloadFolder) patch.downloadFolder = cleanPath(form.downloadFolder);
  if (Number(form.pollIntervalMinutes) !== saved.pollIntervalMinutes) patch.pollIntervalMinutes = Number(form.pollIntervalMinutes);
  if (form.acknowledge !== saved.acknowledge) patch.acknowledge = form.acknowledge;
  if (form.password) patch.password = form.password;
  if (form.sharedKey) patch.sharedKey = form.sharedKey;
  if (form.certificatePassphrase && saved.certificateFromPolicy) patch.certificatePassphrase = form.certificatePassphrase;
  const folder = cleanPath(form.folderModeFolder);
  if (form.folderMode !== Boolean(saved.folderMode?.enabled) || (form.folderMode && folder !== saved.folderMode?.folder)) {
    patch.folderMode = { ...saved.folderMode, enabled: form.folderMode, folder: folder || saved.folderMode?.folder || '' };
  }
  if (form.replaceCertificate) {
    const certificate = toCertificateInput(form.certificate);
    if (certificate) patch.certificate = certificate;
  }
  return patch;
}

interface MailboxEditorProps {
  mailbox: MailboxSettings;
  snapshot: SettingsSnapshot;
  /** Open straight at "replace the certificate". */
  startWithCertificate?: boolean;
  onDone(message?: string): void;
}

/**
 * Whether IT fixed `field` of this mailbox. Main says field by field; without
 * that list (an older main) everything of a managed mailbox is locked.
 */
export function isFieldLocked(mailbox: MailboxSettings, field: MailboxField): boolean {
  return mailbox.lockedFields ? mailbox.lockedFields.includes(field) : mailbox.managed;
}

/** Change a mailbox's name, folder, check interval, acknowledgement, password or certificate. */
export function MailboxEditor({ mailbox, snapshot, startWithCertificate, onDone }: MailboxEditorProps) {
  const updateMailbox = useSettingsStore((s) => s.updateMailbox);
  const canChooseFolder = useAppStore((s) => s.info?.capabilities.chooseFolder ?? false);
  const prefix = `edit-${mailbox.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const ids = mailboxFieldIds(prefix);
  const [form, setForm] = useState<EditorForm>({
    displayName: mailbox.displayName,
    downloadFolder: mailbox.downloadFolder,
    pollIntervalMinutes: String(mailbox.pollIntervalMinutes),
    acknowledge: mailbox.acknowledge,
    password: '',
    sharedKey: '',
    certificatePassphrase: '',
    replaceCertificate: Boolean(startWithCertificate) && !mailbox.certificateFromPolicy,
    certificate: EMPTY_CERTIFICATE,
    folderMode: Boolean(mailbox.folderMode?.enabled),
    folderModeFolder: mailbox.folderMode?.folder ?? '',
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [attempts, setAttempts] = useState(0);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string>();
  // Without a field-by-field list, a managed mailbox is read-only; with one, its password and secrets stay the person's.
  const locked = mailbox.managed && !mailbox.lockedFields;
  const fixed = (field: MailboxField) => isFieldLocked(mailbox, field);
  const fromPolicy = mailbox.certificateFromPolicy;

  const update = (patch: Partial<EditorForm>) => {
    const next = { ...form, ...patch };
    setForm(next);
    if (errors.length) setErrors(validateMailboxEdit(next, prefix, snapshot.minimumPollIntervalMinutes));
  };

  const chooseFolder = async () => {
    try {
      const folder = await mesh()
        .chooseFolder({ title: `Where to save files for ${mailbox.displayName}` })
        .then(unwrap);
      if (folder) update({ downloadFolder: folder });
    } catch (error) {
      setFailure(messageFor(error));
    }
  };

  const save = async () => {
    const found = validateMailboxEdit(form, prefix, snapshot.minimumPollIntervalMinutes);
    setErrors(found);
    setFailure(undefined);
    if (found.length) {
      setAttempts((n) => n + 1);
      return;
    }
    const patch = mailboxPatch(form, mailbox);
    if (Object.keys(patch).length === 0) {
      onDone('Nothing was changed.');
      return;
    }
    setSaving(true);
    const result = await updateMailbox(mailbox.id, patch);
    setSaving(false);
    if (result.ok) onDone(`${result.value.displayName} saved.`);
    else setFailure(result.message);
  };

  return (
    <form
      noValidate
      className="app-editor"
      aria-label={`Change ${mailbox.displayName}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <ErrorSummary errors={errors} focusKey={attempts} />
      {failure && (
        <div className="nhsuk-error-summary" role="alert">
          <h2 className="nhsuk-error-summary__heading">The changes were not saved</h2>
          <div className="nhsuk-error-summary__body">
            <p>{failure}</p>
          </div>
        </div>
      )}
      <TextField
        id={ids.displayName}
        label="Name for this mailbox"
        width={30}
        managed={fixed('displayName')}
        value={form.displayName}
        error={errorFor(errors, ids.displayName)}
        onChange={(displayName) => update({ displayName })}
      />
      <div className="app-inline-form">
        <TextField
          id={`${prefix}-download-folder`}
          label="Save downloaded files in"
          width="full"
          code
          managed={fixed('downloadFolder')}
          value={form.downloadFolder}
          error={errorFor(errors, `${prefix}-download-folder`)}
          onChange={(downloadFolder) => update({ downloadFolder })}
        />
        {canChooseFolder && !fixed('downloadFolder') && (
          <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => void chooseFolder()}>
            Choose folder…
          </button>
        )}
      </div>
      <TextField
        id={`${prefix}-poll`}
        label="Check for new messages every (minutes)"
        hint={`MESH asks for a check at least once a day and at most every ${Math.max(5, snapshot.minimumPollIntervalMinutes)} minutes.`}
        type="number"
        inputMode="numeric"
        width={4}
        min={Math.max(5, snapshot.minimumPollIntervalMinutes)}
        max={1440}
        managed={fixed('pollIntervalMinutes') || snapshot.managed.pollInterval}
        value={form.pollIntervalMinutes}
        error={errorFor(errors, `${prefix}-poll`)}
        onChange={(pollIntervalMinutes) => update({ pollIntervalMinutes })}
      />
      <Radios<'after-save' | 'manual'>
        id={`${prefix}-acknowledge`}
        label="After a file is saved"
        hint="Acknowledging removes the message from the mailbox for everyone who uses it."
        managed={fixed('acknowledge')}
        value={form.acknowledge}
        onChange={(acknowledge) => update({ acknowledge })}
        options={[
          { value: 'after-save', label: 'Acknowledge it automatically', hint: 'Best when only this computer collects from the mailbox.' },
          { value: 'manual', label: 'Leave it for me to acknowledge', hint: 'Best when other people or systems share the mailbox.' },
        ]}
      />
      <TextField
        id={ids.password}
        label="New mailbox password"
        hint={mailbox.hasPassword ? 'Leave empty to keep the current password.' : 'No password is saved for this mailbox yet.'}
        type="password"
        width={20}
        autoComplete="new-password"
        managed={locked}
        value={form.password}
        onChange={(password) => update({ password })}
      />
      {mailbox.environment !== 'TRAINING' && (
        <TextField
          id={`${prefix}-shared-key`}
          label="Environment shared secret"
          hint="NHS England sends it with the mailbox details. Leave empty to keep the one saved."
          type="password"
          width={20}
          autoComplete="off"
          managed={locked}
          value={form.sharedKey}
          onChange={(sharedKey) => update({ sharedKey })}
        />
      )}
      {fromPolicy ? (
        <div className="app-policy-certificate" role="group" aria-labelledby={`${prefix}-policy-certificate`}>
          <h4 id={`${prefix}-policy-certificate`} className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">
            Certificate set by your IT department
          </h4>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
            <code className="app-break">{fromPolicy.path}</code>
            {fromPolicy.keyPath && (
              <>
                {' '}
                with its key in <code className="app-break">{fromPolicy.keyPath}</code>
              </>
            )}
          </p>
          {fromPolicy.problem && <p className="nhsuk-body-s app-text-problem">{fromPolicy.problem}</p>}
          {fromPolicy.needsPassphrase && (
            <TextField
              id={`${prefix}-certificate-passphrase`}
              label="Certificate password"
              hint="Your IT department will have told you it. It is kept in this computer's password store, not in a file."
              type="password"
              width={20}
              autoComplete="off"
              value={form.certificatePassphrase}
              onChange={(certificatePassphrase) => update({ certificatePassphrase })}
            />
          )}
        </div>
      ) : (
        <Checkbox
          id={`${prefix}-replace-certificate`}
          label="Replace the certificate"
          managed={locked || fixed('certificate')}
          checked={form.replaceCertificate}
          onChange={(replaceCertificate) => update({ replaceCertificate })}
        />
      )}
      {form.replaceCertificate && !locked && !fromPolicy && (
        <CertificateInputs
          ids={ids}
          value={form.certificate}
          errors={errors}
          allowNone={false}
          onChange={(certificate) => update({ certificate })}
        />
      )}
      <Checkbox
        id={`${prefix}-folder-mode`}
        label="Folder mode: work like the NHS MESH Client"
        hint="Files dropped in the mailbox's OUT folder (with a .ctl control file) are sent, and received files are saved in IN, ready for your organisation's own scripts."
        managed={fixed('folderMode')}
        checked={form.folderMode}
        onChange={(folderMode) => update({ folderMode })}
      />
      {form.folderMode && (
        <TextField
          id={`${prefix}-folder-mode-folder`}
          label="Mailbox folder (holds IN, OUT, SENT and FAILED)"
          width="full"
          code
          managed={fixed('folderMode')}
          value={form.folderModeFolder}
          error={errorFor(errors, `${prefix}-folder-mode-folder`)}
          onChange={(folderModeFolder) => update({ folderModeFolder })}
        />
      )}
      <div className="app-button-row">
        {!locked && (
          <button type="submit" className="nhsuk-button nhsuk-button--small" disabled={saving}>
            {saving ? 'Saving…' : 'Save changes'}
          </button>
        )}
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
          onClick={() => onDone()}
          disabled={saving}
        >
          {locked ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}
