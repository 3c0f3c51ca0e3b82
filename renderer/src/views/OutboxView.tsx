import { useAppStore } from '../state/app-store';
import { NoMailbox } from '../components/NoMailbox';

export function OutboxView() {
  const hasMailbox = useAppStore((s) => s.mailboxes.length > 0);
  return (
    <>
      <h1>Sent</h1>
      {hasMailbox ? <p>Every message sent from this computer is listed here with its delivery status.</p> : <NoMailbox purpose="to send files" />}
    </>
  );
}
