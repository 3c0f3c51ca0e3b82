import { useAppStore } from '../state/app-store';
import { NoMailbox } from '../components/NoMailbox';

export function NewMessageView() {
  const hasMailbox = useAppStore((s) => s.mailboxes.length > 0);
  return (
    <>
      <h1>New message</h1>
      {hasMailbox ? <p>Choose who to send to and the file to send.</p> : <NoMailbox purpose="to send files" />}
    </>
  );
}
