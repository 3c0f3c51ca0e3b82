// Plain data in the contract's shapes, for component and store tests.
import { cleanup } from '@testing-library/react';
import { useLayoutStore } from '../../renderer/src/state/list-layout';
import type {
  AppInfo,
  InboxItem,
  MailboxSettings,
  MailboxSummary,
  SentItem,
  SettingsSnapshot,
  TransferView,
} from '../../main/contract/types';
import { useAppStore } from '../../renderer/src/state/app-store';
import { useInboxStore } from '../../renderer/src/state/inbox-store';
import { useSentStore } from '../../renderer/src/state/sent-store';
import { useActivityStore } from '../../renderer/src/state/activity-store';
import { useTransfersStore } from '../../renderer/src/state/transfers-store';
import { useComposeStore } from '../../renderer/src/state/compose-store';
import { useSettingsStore } from '../../renderer/src/state/settings-store';
import { useToastStore } from '../../renderer/src/state/toast-store';
import { useNotificationStore } from '../../renderer/src/state/notifications';
import type { Answers } from './fake-mesh';

export const appInfo = (overrides: Partial<AppInfo> = {}): AppInfo => ({
  productName: 'MESH Desktop',
  version: '1.2.3',
  shell: 'preview',
  platform: 'win32',
  dataFolder: 'C:\\Users\\amy\\AppData\\Roaming\\MESH Desktop',
  nodeVersion: '20',
  capabilities: { chooseFolder: true, showInFolder: true, openFile: true, notifications: true },
  ...overrides,
});

export const mailbox = (overrides: Partial<MailboxSummary> = {}): MailboxSummary => ({
  id: 'riverside',
  mailboxId: 'X26ABC1',
  displayName: 'Riverside Surgery',
  environment: 'INT',
  managed: false,
  training: false,
  unread: 0,
  status: { connection: 'connected' },
  ...overrides,
});

export const inboxItem = (overrides: Partial<InboxItem> = {}): InboxItem => ({
  messageId: 'MSG-1',
  type: 'DATA',
  from: { mailboxId: 'Y12XYZ9', name: 'Hilltop Trust Pathology' },
  subject: 'Blood results',
  workflowId: 'PATH_BS_R4',
  fileName: 'results.csv',
  size: 2048,
  receivedAt: '2026-03-10T09:00:00.000Z',
  expiresAt: '2026-03-15T09:00:00.000Z',
  expiringSoon: false,
  chunks: 1,
  headers: { 'mex-from': 'Y12XYZ9', 'mex-workflowid': 'PATH_BS_R4' },
  acknowledged: false,
  ...overrides,
});

export const sentItem = (overrides: Partial<SentItem> = {}): SentItem => ({
  id: 'sent-1',
  messageId: 'OUT-1',
  to: { mailboxId: 'Y12XYZ9', name: 'Hilltop Trust' },
  workflowId: 'TOC_FHIR_IP_DISCH',
  subject: 'Discharge summary',
  fileName: 'discharge.pdf',
  size: 5000,
  sentAt: '2026-03-10T10:00:00.000Z',
  status: 'accepted',
  ...overrides,
});

export const transfer = (overrides: Partial<TransferView> = {}): TransferView => ({
  id: 't-1',
  profileId: 'riverside',
  direction: 'upload',
  title: 'scan.zip',
  counterpart: 'Y12XYZ9',
  state: 'running',
  bytesDone: 50 * 1024 * 1024,
  bytesTotal: 200 * 1024 * 1024,
  rate: 2 * 1024 * 1024,
  secondsLeft: 75,
  chunk: 2,
  chunks: 4,
  updatedAt: '2026-03-10T10:00:00.000Z',
  ...overrides,
});

export const mailboxSettings = (overrides: Partial<MailboxSettings> = {}): MailboxSettings => ({
  id: 'riverside',
  environment: 'INT',
  mailboxId: 'X26ABC1',
  displayName: 'Riverside Surgery',
  downloadFolder: 'C:\\MESH\\Riverside',
  pollIntervalMinutes: 10,
  acknowledge: 'manual',
  hasPassword: true,
  managed: false,
  ...overrides,
});

export const settingsSnapshot = (overrides: Partial<SettingsSnapshot> = {}): SettingsSnapshot => ({
  mailboxes: [mailboxSettings()],
  proxy: { mode: 'system', hasPassword: false },
  defaultDownloadFolder: 'C:\\MESH',
  extraCaFiles: [],
  maxConcurrentTransfers: 2,
  minimumPollIntervalMinutes: 5,
  notifications: true,
  updatesEnabled: true,
  managed: { proxy: false, defaultDownloadFolder: false, updates: false, pollInterval: false, environments: false, extraCaFiles: false },
  allowedEnvironments: ['LIVE', 'DEP', 'INT', 'TRAINING'],
  problems: [],
  ...overrides,
});

const ok = <T>(value: T) => ({ ok: true as const, value });

/** Answers for a working app with one mailbox; tests add or override what they need. */
export function baseAnswers(overrides: Answers = {}): Answers {
  return {
    getAppInfo: () => ok(appInfo()),
    listMailboxes: () => ok([mailbox()]),
    getSettings: () => ok(settingsSnapshot()),
    listTransfers: () => ok([]),
    listInbox: () => ok([]),
    listSent: () => ok([]),
    recentWorkflows: () => ok([]),
    ...overrides,
  };
}

export { ok };

/** Puts every store back as it was when the app started, so tests do not leak into each other. */
export function resetStores(): void {
  for (const store of [
    useAppStore,
    useInboxStore,
    useSentStore,
    useTransfersStore,
    useComposeStore,
    useSettingsStore,
    useToastStore,
    useNotificationStore,
    useActivityStore,
  ]) {
    (store as { setState(state: unknown, replace: true): void; getInitialState(): unknown }).setState(store.getInitialState(), true);
  }
  window.localStorage.clear();
  useLayoutStore.getState().reset();
}

/** Closes the window and opens it again on the same computer: the stores start afresh, and what was remembered is read back. */
export function reopenWindow(): void {
  const remembered = Object.entries(window.localStorage);
  cleanup();
  resetStores();
  for (const [key, value] of remembered) window.localStorage.setItem(key, value);
  useLayoutStore.getState().reset();
}
