import { useState } from 'react';
import type { SettingsSnapshot } from '../../../../main/contract';
import { Checkbox, SelectField, TextField } from '../../components/fields';
import { SummaryList } from '../../components/bits';
import { useSettingsStore } from '../../state/settings-store';
import { useAppStore } from '../../state/app-store';
import { cleanPath } from '../../state/mailbox-form';
import { mesh, messageFor, unwrap } from '../../mesh';

/** Settings → Downloads, transfers and notifications. */
export function GeneralSection({ snapshot }: { snapshot: SettingsSnapshot }) {
  const save = useSettingsStore((s) => s.save);
  const canChooseFolder = useAppStore((s) => s.info?.capabilities.chooseFolder ?? false);
  const [folder, setFolder] = useState(snapshot.defaultDownloadFolder ?? '');
  const [concurrency, setConcurrency] = useState(String(snapshot.maxConcurrentTransfers));
  const [notifications, setNotifications] = useState(snapshot.notifications);
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  const [saving, setSaving] = useState(false);
  const folderManaged = snapshot.managed.defaultDownloadFolder;

  const submit = async () => {
    setSaving(true);
    setStatus(undefined);
    const patch = {
      ...(folderManaged || !cleanPath(folder) || cleanPath(folder) === snapshot.defaultDownloadFolder
        ? {}
        : { defaultDownloadFolder: cleanPath(folder) }),
      maxConcurrentTransfers: Number(concurrency),
      notifications,
    };
    const result = await save(patch);
    setSaving(false);
    setStatus(result.ok ? { ok: true, text: 'Settings saved.' } : { ok: false, text: result.message });
  };

  const chooseFolder = async () => {
    try {
      const chosen = await mesh().chooseFolder({ title: 'Where to save downloaded files' }).then(unwrap);
      if (chosen) setFolder(chosen);
    } catch (error) {
      setStatus({ ok: false, text: messageFor(error) });
    }
  };

  return (
    <section aria-labelledby="settings-general">
      <h2 id="settings-general">Downloads, transfers and notifications</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="app-inline-form">
          <TextField
            id="settings-download-folder"
            label="Default folder for downloaded files"
            hint="Used for new mailboxes. Each mailbox can have its own folder."
            width="full"
            code
            managed={folderManaged}
            value={folder}
            onChange={setFolder}
          />
          {canChooseFolder && !folderManaged && (
            <button type="button" className="nhsuk-button nhsuk-button--secondary nhsuk-button--small" onClick={() => void chooseFolder()}>
              Choose folder…
            </button>
          )}
        </div>
        <SelectField
          id="settings-concurrency"
          label="Files to send or receive at the same time"
          hint="More is faster on a good connection; fewer leaves more of the network for everyone else."
          value={concurrency}
          onChange={setConcurrency}
          options={[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), label: String(n) }))}
        />
        <Checkbox
          id="settings-notifications"
          label="Tell me when files arrive, a send fails or a certificate is about to expire"
          hint="Shown by Windows even when MESH Desktop is in the background."
          checked={notifications}
          onChange={setNotifications}
        />
        <SummaryList
          className="nhsuk-summary-list--no-border"
          label="Updates"
          rows={[
            {
              key: 'updates',
              label: 'Automatic updates',
              value: (
                <>
                  {snapshot.updatesEnabled ? 'On' : 'Off'}
                  {snapshot.managed.updates && <span className="app-muted"> (set by your IT department)</span>}
                </>
              ),
            },
          ]}
        />
        <button type="submit" className="nhsuk-button nhsuk-button--secondary" disabled={saving}>
          {saving ? 'Saving…' : 'Save these settings'}
        </button>
        {status && (
          <p className={status.ok ? 'nhsuk-body-s' : 'nhsuk-error-message'} role={status.ok ? 'status' : 'alert'}>
            {status.text}
          </p>
        )}
      </form>
    </section>
  );
}
