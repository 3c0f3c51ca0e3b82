import { create } from 'zustand';
import type {
  ConnectionTestResult,
  CsrInput,
  CsrResult,
  MailboxPatch,
  MailboxSummary,
  NewMailboxInput,
  SettingsPatch,
  SettingsSnapshot,
} from '../../../main/contract';
import { mesh, messageFor, unwrap } from '../mesh';
import { useAppStore } from './app-store';
import { useNotificationStore } from './notifications';

/** The outcome of a call: its value, or the sentence to show. */
export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

async function attempt<T>(run: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, message: messageFor(error) };
  }
}

interface SettingsState {
  snapshot?: SettingsSnapshot;
  loading: boolean;
  loadError?: string;
  /** Connection tests by profile id: running, or the latest result. */
  tests: Readonly<Record<string, { running: boolean; result?: ConnectionTestResult; error?: string }>>;
  load(): Promise<void>;
  save(patch: SettingsPatch): Promise<Result<SettingsSnapshot>>;
  addMailbox(input: NewMailboxInput): Promise<Result<MailboxSummary>>;
  updateMailbox(id: string, patch: MailboxPatch): Promise<Result<MailboxSummary>>;
  removeMailbox(id: string): Promise<Result<null>>;
  testConnection(id: string): Promise<void>;
  startTrainingSandbox(): Promise<Result<MailboxSummary[]>>;
  generateCsr(input: CsrInput): Promise<Result<CsrResult>>;
  /** Fetches the diagnostics and puts them on the clipboard; `copied` is false when the clipboard refused. */
  copyDiagnostics(): Promise<Result<{ text: string; copied: boolean }>>;
}

/** Puts a changed or new mailbox into the shell's list at once, without waiting for main's event. */
function mergeMailbox(summary: MailboxSummary): void {
  const { mailboxes, setMailboxes } = useAppStore.getState();
  const exists = mailboxes.some((m) => m.id === summary.id);
  setMailboxes(exists ? mailboxes.map((m) => (m.id === summary.id ? summary : m)) : [...mailboxes, summary]);
}

export const useSettingsStore = create<SettingsState>((set, get) => ({
  loading: false,
  tests: {},
  load: async () => {
    set({ loading: true });
    const result = await attempt(() => mesh().getSettings().then(unwrap));
    if (result.ok) {
      set({ snapshot: result.value, loading: false, loadError: undefined });
      useNotificationStore.getState().setEnabled(result.value.notifications);
    } else set({ loading: false, loadError: result.message });
  },
  save: async (patch) => {
    const result = await attempt(() => mesh().updateSettings(patch).then(unwrap));
    if (result.ok) {
      set({ snapshot: result.value });
      useNotificationStore.getState().setEnabled(result.value.notifications);
    }
    return result;
  },
  addMailbox: async (input) => {
    const result = await attempt(() => mesh().addMailbox(input).then(unwrap));
    if (result.ok) {
      mergeMailbox(result.value);
      useAppStore.getState().selectMailbox(result.value.id);
      void get().load();
    }
    return result;
  },
  updateMailbox: async (id, patch) => {
    const result = await attempt(() => mesh().updateMailbox(id, patch).then(unwrap));
    if (result.ok) {
      mergeMailbox(result.value);
      void get().load();
    }
    return result;
  },
  removeMailbox: async (id) => {
    const result = await attempt(() => mesh().removeMailbox(id).then(unwrap));
    if (result.ok) {
      const { mailboxes, setMailboxes } = useAppStore.getState();
      setMailboxes(mailboxes.filter((m) => m.id !== id));
      void get().load();
    }
    return result;
  },
  testConnection: async (id) => {
    set((state) => ({ tests: { ...state.tests, [id]: { running: true } } }));
    const result = await attempt(() => mesh().testConnection(id).then(unwrap));
    set((state) => ({
      tests: { ...state.tests, [id]: result.ok ? { running: false, result: result.value } : { running: false, error: result.message } },
    }));
  },
  startTrainingSandbox: async () => {
    const result = await attempt(() => mesh().startTrainingSandbox().then(unwrap));
    if (result.ok) {
      result.value.forEach(mergeMailbox);
      const first = result.value[0];
      if (first) useAppStore.getState().selectMailbox(first.id);
    }
    return result;
  },
  generateCsr: (input) => attempt(() => mesh().generateCsr(input).then(unwrap)),
  copyDiagnostics: async () => {
    const result = await attempt(() => mesh().copyDiagnostics().then(unwrap));
    if (!result.ok) return result;
    try {
      await navigator.clipboard.writeText(result.value);
      return { ok: true, value: { text: result.value, copied: true } };
    } catch {
      return { ok: true, value: { text: result.value, copied: false } };
    }
  },
}));
