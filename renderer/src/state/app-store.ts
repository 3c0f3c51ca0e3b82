import { create } from 'zustand';
import type { AppInfo, MailboxSummary } from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';

/** The pages of the window. "welcome" is the first-run setup and is not in the folder list. */
export type Section = 'welcome' | 'inbox' | 'outbox' | 'new-message' | 'transfers' | 'activity' | 'settings';

export const SECTIONS: { id: Exclude<Section, 'welcome'>; label: string }[] = [
  { id: 'inbox', label: 'Inbox' },
  { id: 'outbox', label: 'Sent' },
  { id: 'new-message', label: 'New message' },
  { id: 'transfers', label: 'Transfers' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

interface AppState {
  status: 'loading' | 'ready' | 'failed';
  loadError?: string;
  info?: AppInfo;
  mailboxes: MailboxSummary[];
  activeMailboxId?: string;
  section: Section;
  /** Loads what the shell needs from main; opens the first-run setup when there is no mailbox yet. */
  load(): Promise<void>;
  /** Takes a new mailbox list from main, keeping the chosen mailbox if it is still there. */
  setMailboxes(mailboxes: MailboxSummary[]): void;
  go(section: Section): void;
  selectMailbox(id: string): void;
}

export const useAppStore = create<AppState>((set, get) => ({
  status: 'loading',
  mailboxes: [],
  section: 'inbox',
  load: async () => {
    try {
      const [info, mailboxes] = await Promise.all([mesh().getAppInfo().then(unwrap), mesh().listMailboxes().then(unwrap)]);
      const firstLoad = get().status !== 'ready';
      set({ status: 'ready', info, loadError: undefined });
      get().setMailboxes(mailboxes);
      if (firstLoad && mailboxes.length === 0) set({ section: 'welcome' });
    } catch (error) {
      set({ status: 'failed', loadError: messageFor(error) });
    }
  },
  setMailboxes: (mailboxes) => {
    const active = get().activeMailboxId;
    set({ mailboxes, activeMailboxId: mailboxes.some((m) => m.id === active) ? active : mailboxes[0]?.id });
  },
  go: (section) => set({ section }),
  selectMailbox: (id) => set({ activeMailboxId: id }),
}));

/** The mailbox the person is working in, if any. */
export function useActiveMailbox(): MailboxSummary | undefined {
  return useAppStore((s) => s.mailboxes.find((m) => m.id === s.activeMailboxId));
}
