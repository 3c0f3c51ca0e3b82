import type { MailboxSummary } from '../../../main/contract';
import { useActiveMailbox, useAppStore } from '../state/app-store';
import { formatWhen } from '../lib/format';

const CONNECTION_WORDS: Record<MailboxSummary['status']['connection'], string> = {
  unknown: 'Not checked yet',
  checking: 'Checking for messages…',
  connected: 'Connected',
  failed: 'Not connected',
};

/** The words for a mailbox's connection: "Connected · last checked 10:42 · next check 10:52". */
export function connectionWords(mailbox: MailboxSummary, now: Date = new Date()): string {
  const parts = [CONNECTION_WORDS[mailbox.status.connection]];
  if (mailbox.status.lastCheckedAt) parts.push(`last checked ${formatWhen(mailbox.status.lastCheckedAt, now)}`);
  if (mailbox.status.nextCheckAt) parts.push(`next check ${formatWhen(mailbox.status.nextCheckAt, now)}`);
  return parts.join(' · ');
}

/** The line along the bottom: the mailbox, its connection, certificate warnings and the version. */
export function StatusBar() {
  const info = useAppStore((s) => s.info);
  const active = useActiveMailbox();
  const failed = active?.status.connection === 'failed';
  const certificateWarning = active?.certificate?.warning;
  return (
    <footer className="app-status" role="contentinfo">
      <span>{active ? `${active.displayName} (${active.mailboxId})` : 'No mailbox selected'}</span>
      {active && (
        <span className={failed ? 'app-status__problem' : undefined} role="status" aria-live="polite">
          {connectionWords(active)}
          {failed && active.status.problem ? ` — ${active.status.problem}` : ''}
        </span>
      )}
      {certificateWarning && (
        <span className={`app-status__problem${active.certificate?.state === 'expired' ? ' app-status__problem--severe' : ''}`}>
          Certificate: {certificateWarning}
        </span>
      )}
      <span className="app-status__spacer" />
      {info && <span>Version {info.version}</span>}
    </footer>
  );
}
