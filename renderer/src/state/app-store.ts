import { create } from 'zustand';
import type { AppInfo, MailboxSummary } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';

export type Section = 'inbox' | 'outbox' | 'new-message' | 'transfers' | 'settings';

export const SECTIONS: { id: Section; label: string }[] = [
  { id: 'inbox', label: 'Inbox' },
  { id: 'outbox', label: 'Sent' },
  { id: 'new-message', label: 'New message' },
  { id: 'transfers', label: 'Transfers' },
  { id: 'settings', label: 'Settings' },
];

interface AppState {
  status: 'loading' | 'ready' | 'failed';
  loadError?: string;
  info?: AppInfo;
  mailboxes: MailboxSummary[];
  activeMailboxId?: string;
  section: Section;
  /** Loads what the shell needs from main and keeps the mailbox list live. */
  load(): Promise<void>;
  go(section: Section): void;
  selectMailbox(id: string): void;
}

export const useAppStore = create<AppState>((set, get) => ({
  status: 'loading',
  mailboxes: [],
  section: 'inbox',
  load: async () => {
    try {
      const [info, mailboxes] = await Promise.all([
        mesh().getAppInfo().then(unwrap),
        mesh().listMailboxes().then(unwrap),
      ]);
      set({ status: 'ready', info, mailboxes, activeMailboxId: mailboxes[0]?.id, loadError: undefined });
    } catch (error) {
      set({ status: 'failed', loadError: messageFor(error) });
    }
    mesh().on('mailboxes-changed', (mailboxes) => {
      const active = get().activeMailboxId;
      set({ mailboxes, activeMailboxId: mailboxes.some((m) => m.id === active) ? active : mailboxes[0]?.id });
    });
  },
  go: (section) => set({ section }),
  selectMailbox: (id) => set({ activeMailboxId: id }),
}));
