import { useState } from 'react';
import type { MailboxSettings, MailboxSummary, SettingsSnapshot } from '../../../../main/contract';
import { useAppStore } from '../../state/app-store';
import { useSettingsStore } from '../../state/settings-store';
import { SummaryList, Tag, type SummaryRow } from '../../components/bits';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ConnectionTestSteps } from '../../components/ConnectionTest';
import { MailboxForm } from '../../components/MailboxForm';
import { MANAGED_WORDS } from '../../components/fields';
import { ENVIRONMENT_WORDS } from '../../state/mailbox-form';
import { formatDateTime } from '../../lib/format';
import { MailboxEditor } from './MailboxEditor';

type Mode = { kind: 'view' } | { kind: 'edit'; certificate: boolean } | { kind: 'remove' };

function certificateRows(settings: MailboxSettings | undefined, summary: MailboxSummary): SummaryRow[] {
  const certificate = settings?.certificate ?? summary.certificate;
  const fromPolicy = settings?.certificateFromPolicy;
  if (!certificate && fromPolicy)
    return [
      {
        key: 'cert',
        label: 'Certificate',
        value: (
          <>
            Set by your IT department: <code className="app-break">{fromPolicy.path}</code>
            {fromPolicy.problem && (
              <p className="nhsuk-body-s nhsuk-u-margin-top-1 nhsuk-u-margin-bottom-0 app-text-problem">{fromPolicy.problem}</p>
            )}
          </>
        ),
      },
    ];
  if (!certificate)
    return [{ key: 'cert', label: 'Certificate', value: 'None added yet. MESH will refuse to connect until one is added.' }];
  const colour = certificate.state === 'valid' ? 'green' : certificate.state === 'expiring-soon' ? 'orange' : 'red';
  const words = { valid: 'Valid', 'expiring-soon': 'Expires soon', expired: 'Expired', 'not-yet-valid': 'Not valid yet' }[
    certificate.state
  ];
  return [
    {
      key: 'cert',
      label: 'Certificate',
      value: (
        <>
          <Tag colour={colour}>{words}</Tag> until {formatDateTime(certificate.notAfter)}
          {certificate.warning && (
            <p className="nhsuk-body-s nhsuk-u-margin-top-1 nhsuk-u-margin-bottom-0 app-text-problem">{certificate.warning}</p>
          )}
        </>
      ),
    },
    { key: 'subject', label: 'Issued to', value: <span className="app-break">{certificate.subject}</span> },
    { key: 'issuer', label: 'Issued by', value: <span className="app-break">{certificate.issuer}</span> },
  ];
}

function MailboxCard({
  summary,
  settings,
  snapshot,
}: {
  summary: MailboxSummary;
  settings?: MailboxSettings;
  snapshot?: SettingsSnapshot;
}) {
  const { removeMailbox, testConnection, tests } = useSettingsStore();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const test = tests[summary.id];
  const managed = summary.managed || settings?.managed;
  const headingId = `mailbox-${summary.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

  const rows: SummaryRow[] = [
    { key: 'id', label: 'Mailbox ID', value: <span className="app-code">{summary.mailboxId}</span> },
    { key: 'env', label: 'Environment', value: ENVIRONMENT_WORDS[summary.environment].label },
    ...(settings
      ? [
          { key: 'folder', label: 'Saves files in', value: <span className="app-code">{settings.downloadFolder}</span> },
          { key: 'poll', label: 'Checks for messages', value: `Every ${settings.pollIntervalMinutes} minutes` },
          {
            key: 'ack',
            label: 'After saving a file',
            value: settings.acknowledge === 'after-save' ? 'Acknowledges it automatically' : 'Leaves it for you to acknowledge',
          },
          { key: 'password', label: 'Password', value: settings.hasPassword ? 'Saved' : 'Not saved' },
        ]
      : []),
    ...certificateRows(settings, summary),
  ];

  const remove = async () => {
    setBusy(true);
    const result = await removeMailbox(summary.id);
    setBusy(false);
    if (!result.ok) {
      setMessage(result.message);
      setMode({ kind: 'view' });
    }
  };

  return (
    <li className="nhsuk-card app-mailbox-card" aria-labelledby={headingId}>
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading nhsuk-heading-s" id={headingId}>
          {summary.displayName} {summary.training && <Tag colour="orange">Training</Tag>} {managed && <Tag colour="grey">Managed</Tag>}
        </h3>
        {managed && <p className="nhsuk-body-s">{MANAGED_WORDS}</p>}
        {summary.unusableReason && <p className="app-text-problem">{summary.unusableReason}</p>}
        {message && (
          <p className="nhsuk-body-s" role="status">
            {message}
          </p>
        )}
        {mode.kind === 'edit' && settings && snapshot ? (
          <MailboxEditor
            mailbox={settings}
            snapshot={snapshot}
            startWithCertificate={mode.certificate}
            onDone={(done) => {
              setMessage(done);
              setMode({ kind: 'view' });
            }}
          />
        ) : (
          <>
            <SummaryList rows={rows} label={`Details of ${summary.displayName}`} className="nhsuk-summary-list--no-border" />
            {mode.kind === 'remove' ? (
              <ConfirmDialog
                id={`${headingId}-remove`}
                title={`Remove ${summary.displayName} from this computer?`}
                confirmLabel="Yes, remove it"
                busy={busy}
                onConfirm={() => void remove()}
                onCancel={() => setMode({ kind: 'view' })}
              >
                <p>
                  MESH Desktop will stop checking {summary.mailboxId} on this computer and forget its password. The mailbox itself, and
                  messages in it, stay in MESH. Files already saved stay where they are.
                </p>
              </ConfirmDialog>
            ) : (
              <div className="app-button-row">
                {settings && snapshot && (
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                    onClick={() => setMode({ kind: 'edit', certificate: false })}
                  >
                    {managed && !settings.lockedFields ? 'See all settings' : 'Change'}{' '}
                    <span className="nhsuk-u-visually-hidden">{summary.displayName}</span>
                  </button>
                )}
                {settings && snapshot && !managed && (
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                    onClick={() => setMode({ kind: 'edit', certificate: true })}
                  >
                    Replace certificate <span className="nhsuk-u-visually-hidden">for {summary.displayName}</span>
                  </button>
                )}
                <button
                  type="button"
                  className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
                  disabled={test?.running}
                  onClick={() => void testConnection(summary.id)}
                >
                  {test?.running ? 'Testing…' : 'Test connection'}{' '}
                  <span className="nhsuk-u-visually-hidden">for {summary.displayName}</span>
                </button>
                {!managed && (
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--warning nhsuk-button--small"
                    onClick={() => setMode({ kind: 'remove' })}
                  >
                    Remove <span className="nhsuk-u-visually-hidden">{summary.displayName}</span>
                  </button>
                )}
              </div>
            )}
          </>
        )}
        <div aria-live="polite">
          {test?.error && <p className="nhsuk-error-message">{test.error}</p>}
          {test?.result && !test.running && <ConnectionTestSteps result={test.result} headingLevel={3} />}
        </div>
      </div>
    </li>
  );
}

/** Settings → Mailboxes: each mailbox with its details and certificate, and adding another. */
export function MailboxesSection({ snapshot }: { snapshot?: SettingsSnapshot }) {
  const mailboxes = useAppStore((s) => s.mailboxes);
  const go = useAppStore((s) => s.go);
  const { startTrainingSandbox } = useSettingsStore();
  const [adding, setAdding] = useState(false);
  const [note, setNote] = useState<string>();
  const hasTraining = mailboxes.some((m) => m.training);
  const environments = snapshot?.allowedEnvironments.length ? snapshot.allowedEnvironments : (['LIVE', 'DEP', 'INT'] as const).slice();

  return (
    <section aria-labelledby="settings-mailboxes">
      <h2 id="settings-mailboxes">Mailboxes</h2>
      {mailboxes.length === 0 ? (
        <p>No mailbox is set up on this computer yet.</p>
      ) : (
        <ul className="app-card-list">
          {mailboxes.map((summary) => (
            <MailboxCard
              key={summary.id}
              summary={summary}
              settings={snapshot?.mailboxes.find((m) => m.id === summary.id)}
              snapshot={snapshot}
            />
          ))}
        </ul>
      )}
      {note && (
        <p role="status" className="nhsuk-body-s">
          {note}
        </p>
      )}
      {adding ? (
        <div className="app-subsection">
          <h3>Add a mailbox</h3>
          <MailboxForm
            idPrefix="settings-add"
            environments={environments}
            environmentsManaged={snapshot?.managed.environments}
            submitLabel="Add mailbox"
            onAdded={(mailbox) => {
              setAdding(false);
              setNote(`${mailbox.displayName} added. Use “Test connection” to check it works.`);
            }}
            onCancel={() => setAdding(false)}
          />
        </div>
      ) : (
        <div className="app-button-row">
          <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={() => setAdding(true)}>
            Add a mailbox
          </button>
          {!hasTraining &&
            (!snapshot || snapshot.allowedEnvironments.length === 0 || snapshot.allowedEnvironments.includes('TRAINING')) && (
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary"
                onClick={async () => {
                  const result = await startTrainingSandbox();
                  if (result.ok) go('inbox');
                  else setNote(result.message);
                }}
              >
                Try the training sandbox
              </button>
            )}
        </div>
      )}
    </section>
  );
}
