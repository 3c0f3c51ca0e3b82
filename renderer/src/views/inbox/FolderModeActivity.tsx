import { useEffect, useState } from 'react';
import type { FolderModeView, MailboxSummary } from '../../../../main/contract';
import { mesh, messageFor, unwrap } from '../../mesh';
import { formatDateTime } from '../../lib/format';

const KIND_WORDS: Record<FolderModeView['mailboxes'][number]['activity'][number]['kind'], string> = {
  claimed: 'Picked up from OUT',
  sent: 'Sent',
  failed: 'Moved to FAILED',
  received: 'Saved in IN',
  report: 'Non-delivery report saved in IN',
  problem: 'Needs attention',
};

const RUNNER_WORDS: Record<FolderModeView['runner'], string> = {
  'this-app': 'Folder mode is running in this app.',
  service: 'Folder mode is running as a background service on this computer.',
  none: 'Folder mode is not running.',
};

/**
 * What folder mode did for a mailbox that works like the Java MESH Client:
 * files waiting in OUT, problems that need a person, and recent activity.
 * It refreshes every few seconds while shown.
 */
export function FolderModeActivity({ mailbox }: { mailbox: MailboxSummary }) {
  const [view, setView] = useState<FolderModeView>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const next = unwrap(await mesh().folderModeStatus());
        if (!stopped) {
          setView(next);
          setError(undefined);
        }
      } catch (caught) {
        if (!stopped) setError(messageFor(caught));
      }
    };
    void load();
    const timer = window.setInterval(() => void load(), 5000);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [mailbox.id]);

  const mine = view?.mailboxes.find((m) => m.profileId === mailbox.id);
  const notRunning = view?.notRunning.find((m) => m.mailboxId === mailbox.mailboxId);
  return (
    <div className="app-view">
      <h1 className="nhsuk-u-margin-bottom-1">Inbox</h1>
      <p className="nhsuk-body-s app-muted">
        {mailbox.displayName} ({mailbox.mailboxId}) works in folder mode: files dropped in <code>{mailbox.folderMode?.folder}\OUT</code> are
        sent, and what arrives is saved in <code>IN</code>.
      </p>
      {error && (
        <div className="nhsuk-error-summary" role="alert">
          <p className="nhsuk-body nhsuk-u-margin-bottom-0">{error}</p>
        </div>
      )}
      {view && (
        <p className="nhsuk-body" role="status" aria-live="polite">
          {RUNNER_WORDS[view.runner]}
          {notRunning ? ` ${notRunning.reason}` : ''}
        </p>
      )}
      {mine && (
        <>
          <dl className="nhsuk-summary-list" aria-label="Folder mode now">
            <Row label="Waiting in OUT" value={String(mine.waitingInOut)} />
            <Row label="Being sent" value={String(mine.sending)} />
            <Row
              label="Since it started"
              value={`${mine.sentSinceStart} sent, ${mine.receivedSinceStart} received, ${mine.failedSinceStart} failed`}
            />
            <Row label="Last inbox check" value={mine.lastPollAt ? formatDateTime(mine.lastPollAt) : 'Not yet'} />
          </dl>
          {mine.problems.length > 0 && (
            <div className="nhsuk-warning-callout">
              <h2 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>Files that need a person
                </span>
              </h2>
              <ul className="nhsuk-list nhsuk-list--bullet">
                {mine.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
          <h2>Recent activity</h2>
          {mine.activity.length === 0 ? (
            <p className="nhsuk-body">Nothing yet.</p>
          ) : (
            <table className="nhsuk-table">
              <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">What folder mode did, newest first</caption>
              <thead className="nhsuk-table__head">
                <tr className="nhsuk-table__row">
                  <th scope="col" className="nhsuk-table__header">
                    When
                  </th>
                  <th scope="col" className="nhsuk-table__header">
                    What
                  </th>
                  <th scope="col" className="nhsuk-table__header">
                    File
                  </th>
                  <th scope="col" className="nhsuk-table__header">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody className="nhsuk-table__body">
                {mine.activity.map((item) => (
                  <tr key={`${item.at}-${item.kind}-${item.name}`} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">{formatDateTime(item.at)}</td>
                    <td className="nhsuk-table__cell">{KIND_WORDS[item.kind]}</td>
                    <td className="nhsuk-table__cell">{item.name}</td>
                    <td className="nhsuk-table__cell">{item.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{value}</dd>
    </div>
  );
}
