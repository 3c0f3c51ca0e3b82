import { useAppStore } from '../state/app-store';

/** The line along the bottom: which mailbox, and how the app is running. */
export function StatusBar() {
  const info = useAppStore((s) => s.info);
  const active = useAppStore((s) => s.mailboxes.find((m) => m.id === s.activeMailboxId));
  return (
    <footer className="app-status" role="contentinfo">
      <span>{active ? `${active.displayName} (${active.mailboxId})` : 'No mailbox selected'}</span>
      {info && <span>Version {info.version}</span>}
    </footer>
  );
}
