import type { MailboxSummary } from '../../../../main/contract';
import { useAppStore } from '../../state/app-store';
import { useInboxStore, type Saving } from '../../state/inbox-store';
import { saveStatus } from '../../state/save-status';
import { useTransfersStore } from '../../state/transfers-store';
import { countOf } from '../../lib/format';

/**
 * The one status of a save started from the inbox: "Saving…" while the transfers run,
 * then where the files are (with "Show in folder") and, when the mailbox acknowledges
 * after saving, that MESH has removed them. It ends; it does not go stale.
 */
export function SaveStatusBox({
  saving,
  mailbox,
  acknowledgeMode,
  onDismiss,
}: {
  saving: Saving;
  mailbox: MailboxSummary;
  acknowledgeMode?: 'after-save' | 'manual';
  onDismiss(): void;
}) {
  const transfers = useTransfersStore((s) => s.transfers);
  const canShow = useAppStore((s) => s.info?.capabilities.showInFolder ?? false);
  const go = useAppStore((s) => s.go);
  const showInFolder = useInboxStore((s) => s.showInFolder);
  const status = saveStatus(saving, transfers);
  const what = status.total === 1 ? 'the message' : countOf(status.total, 'message');
  const kind = status.state === 'failed' ? 'error' : status.state === 'saved' ? 'success' : 'progress';
  const title =
    status.state === 'saving'
      ? `Saving ${what}…${status.total > 1 ? ` (${status.saved} of ${status.total} done)` : ''}`
      : status.state === 'saved'
        ? status.total === 1
          ? 'Saved'
          : `${countOf(status.total, 'message')} saved`
        : `${countOf(status.total - status.saved, 'message')} could not be saved`;
  return (
    <div className={`app-outcome app-outcome--${kind}`} role={status.state === 'failed' ? 'alert' : 'status'} aria-live="polite">
      <p className="app-outcome__title">{title}</p>
      {status.folder && (
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
          {status.state === 'saving' ? 'Saving to ' : 'In '}
          <span className="app-code">{status.folder}</span>
        </p>
      )}
      {!status.folder && status.state === 'saving' && (
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">Saving to this mailbox’s download folder.</p>
      )}
      {status.state === 'saved' && acknowledgeMode !== 'manual' && (
        <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
          Saved and collected: MESH has removed {status.total === 1 ? 'it' : 'them'} from mailbox {mailbox.mailboxId} for everyone.
        </p>
      )}
      {status.problems.map((problem) => (
        <p key={problem} className="nhsuk-body-s nhsuk-u-margin-bottom-1">
          {problem}
        </p>
      ))}
      <div className="app-button-row nhsuk-u-margin-bottom-0">
        {status.state !== 'saving' && canShow && status.paths[0] && (
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small"
            onClick={() => void showInFolder(status.paths[0] ?? '')}
          >
            Show in folder
          </button>
        )}
        {status.state === 'saving' && (
          <button type="button" className="app-link-button nhsuk-body-s" onClick={() => go('transfers')}>
            Follow it in Transfers
          </button>
        )}
        <button type="button" className="app-link-button nhsuk-body-s" onClick={onDismiss}>
          Dismiss <span className="nhsuk-u-visually-hidden">this message</span>
        </button>
      </div>
    </div>
  );
}
