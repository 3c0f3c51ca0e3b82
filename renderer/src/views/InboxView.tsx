import { useAppStore } from '../state/app-store';
import { NoMailbox } from '../components/NoMailbox';

export function InboxView() {
  const hasMailbox = useAppStore((s) => s.mailboxes.length > 0);
  return (
    <>
      <h1>Inbox</h1>
      {hasMailbox ? <p>Messages waiting in this mailbox appear here.</p> : <NoMailbox purpose="to see the files sent to you" />}
    </>
  );
}
