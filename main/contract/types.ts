/**
 * The data that crosses between main and the window. Plain, serialisable
 * objects only: no class instances, no functions, and never a secret (the
 * window may send a password to main, but main never sends one back).
 * Times are ISO 8601 strings.
 */
import type { AppErrorShape } from '../shared/errors';

export type { AppErrorShape };

/** Every request resolves to a Reply: errors are values the UI must handle. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export type Unsubscribe = () => void;

export type Environment = 'INT' | 'DEP' | 'LIVE' | 'TRAINING' | 'CUSTOM';

export interface AppInfo {
  productName: string;
  version: string;
  /** How the window is connected to main: inside Electron, or the browser preview. */
  shell: 'electron' | 'preview';
  platform: string;
  dataFolder: string;
  electronVersion?: string;
  nodeVersion: string;
  /** What this shell can do natively (the preview cannot open folders, for example). */
  capabilities: { chooseFolder: boolean; showInFolder: boolean; openFile: boolean; notifications: boolean };
  /** Saved transfer records that could not be read at start-up, in sentences for the Transfers view. */
  transferProblems?: string[];
}

export type CertificateState = 'valid' | 'expiring-soon' | 'expired' | 'not-yet-valid';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  notAfter: string;
  daysUntilExpiry: number;
  state: CertificateState;
  /** A sentence to show when the state is not plain valid. */
  warning?: string;
}

export interface MailboxStatus {
  connection: 'unknown' | 'checking' | 'connected' | 'failed';
  lastCheckedAt?: string;
  nextCheckAt?: string;
  /** What went wrong last time, in words a person can act on. */
  problem?: string;
}

export interface MailboxSummary {
  /** The local profile id (not the MESH mailbox id). */
  id: string;
  mailboxId: string;
  displayName: string;
  environment: Environment;
  /** Set by machine policy: the person cannot remove or change it. */
  managed: boolean;
  /** A training-sandbox mailbox: nothing here reaches the real MESH. */
  training: boolean;
  /** Messages waiting in the inbox. */
  unread: number;
  status: MailboxStatus;
  certificate?: CertificateSummary;
  /** Why this mailbox cannot be used (for example an environment IT has not allowed). */
  unusableReason?: string;
  /** Set when the mailbox works like the Java MESH Client: files dropped in OUT are sent, received ones go to IN. */
  folderMode?: { folder: string };
}

export interface MailboxSettings {
  id: string;
  environment: Environment;
  customUrl?: string;
  mailboxId: string;
  displayName: string;
  downloadFolder: string;
  pollIntervalMinutes: number;
  acknowledge: 'after-save' | 'manual';
  folderMode?: FolderModeSettings;
  hasPassword: boolean;
  certificate?: CertificateSummary;
  /**
   * Set when IT's policy names this mailbox's certificate: where it is, and
   * whether the person still has to type its password. The certificate cannot
   * be replaced in Settings; only its password can be given.
   */
  certificateFromPolicy?: { path: string; keyPath?: string; needsPassphrase: boolean; problem?: string };
  managed: boolean;
  /** Of a managed mailbox, what IT fixed; the rest (its password, say) is the person's to set. */
  lockedFields?: MailboxField[];
}

/** The parts of a mailbox IT's policy can fix. */
export type MailboxField = 'displayName' | 'downloadFolder' | 'pollIntervalMinutes' | 'acknowledge' | 'folderMode' | 'certificate';

export interface ProxyView {
  mode: 'system' | 'manual' | 'none';
  url?: string;
  username?: string;
  noProxy?: string;
  hasPassword: boolean;
}

/** Settings as the window sees them: effective values (policy applied) and which are locked. */
export interface SettingsSnapshot {
  mailboxes: MailboxSettings[];
  proxy: ProxyView;
  defaultDownloadFolder?: string;
  extraCaFiles: string[];
  maxConcurrentTransfers: number;
  minimumPollIntervalMinutes: number;
  notifications: boolean;
  updatesEnabled: boolean;
  /** Settings IT has locked by machine policy: show them, but not as editable. */
  managed: {
    proxy: boolean;
    defaultDownloadFolder: boolean;
    updates: boolean;
    pollInterval: boolean;
    environments: boolean;
    extraCaFiles: boolean;
  };
  allowedEnvironments: Environment[];
  /** Problems the person (or IT) must know about: a broken policy, a quarantined settings file. */
  problems: string[];
}

export interface SettingsPatch {
  proxy?: { mode: 'system' | 'manual' | 'none'; url?: string; username?: string; password?: string; noProxy?: string };
  defaultDownloadFolder?: string;
  /** Certificate authority files to trust besides the system's (PEM or DER paths). */
  extraCaFiles?: string[];
  maxConcurrentTransfers?: number;
  notifications?: boolean;
}

export type CertificateInput =
  { kind: 'pem'; certificatePath: string; keyPath: string; passphrase?: string } | { kind: 'pfx'; path: string; passphrase?: string };

export interface NewMailboxInput {
  environment: Environment;
  customUrl?: string;
  mailboxId: string;
  displayName: string;
  password: string;
  /** The environment's shared secret, when it is not stored yet. */
  sharedKey?: string;
  certificate?: CertificateInput;
  downloadFolder?: string;
  acknowledge?: 'after-save' | 'manual';
  pollIntervalMinutes?: number;
}

export interface FolderModeSettings {
  enabled: boolean;
  /** The mailbox's own folder, holding IN, OUT, SENT, FAILED and TEMP (the Java client's InterfaceRoot). */
  folder: string;
  /** Where a file dropped in OUT without a control file goes. */
  plainFileDefaults?: { to: string; workflowId: string; subject?: string };
}

export interface MailboxPatch {
  displayName?: string;
  folderMode?: FolderModeSettings;
  downloadFolder?: string;
  pollIntervalMinutes?: number;
  acknowledge?: 'after-save' | 'manual';
  password?: string;
  /** The MESH shared secret of this mailbox's environment (kept once per environment). */
  sharedKey?: string;
  certificate?: CertificateInput;
  /** The password of the certificate IT's policy names for this mailbox (see MailboxSettings.certificateFromPolicy). */
  certificatePassphrase?: string;
}

export type ConnectionStep = 'address' | 'proxy' | 'tls' | 'server-certificate' | 'client-certificate' | 'password' | 'mailbox';

export interface ConnectionTestResult {
  ok: boolean;
  /** One sentence: what worked, or what failed and what to do. */
  summary: string;
  steps: { step: ConnectionStep; outcome: 'passed' | 'failed' | 'not-reached'; message: string }[];
  testedAt: string;
}

export interface CsrInput {
  commonName: string;
  organisation?: string;
  /** Where to save the key, the request and the instructions. */
  folder?: string;
}

export interface CsrResult {
  keyPath: string;
  csrPath: string;
  instructionsPath: string;
  instructions: string;
}

export interface MessageParty {
  mailboxId: string;
  name?: string;
  organisation?: string;
}

export interface InboxItem {
  messageId: string;
  type: 'DATA' | 'REPORT';
  from: MessageParty;
  subject?: string;
  workflowId?: string;
  fileName?: string;
  /** Bytes, where the server said. */
  size?: number;
  receivedAt?: string;
  expiresAt?: string;
  /** Within a day of MESH removing it unread. */
  expiringSoon: boolean;
  chunks: number;
  localId?: string;
  /** For a non-delivery report: the sent message it is about, and why. */
  report?: { linkedMessageId?: string; code?: string; event?: string; description?: string };
  /** Every mex-* header, for the detail view. */
  headers: Record<string, string>;
  /** Where it was saved on this computer, if it was. */
  savedPath?: string;
  acknowledged: boolean;
}

export type SentStatus = 'uploading' | 'accepted' | 'acknowledged' | 'undeliverable' | 'failed' | 'cancelled' | 'unknown';

export interface SentItem {
  /** Local record id (the message id is known only once chunk 1 is accepted). */
  id: string;
  messageId?: string;
  localId?: string;
  to: MessageParty;
  workflowId: string;
  subject?: string;
  fileName: string;
  size: number;
  checksum?: string;
  sentAt: string;
  status: SentStatus;
  statusDescription?: string;
  statusCode?: string;
  statusCheckedAt?: string;
  transferId?: string;
}

export type TransferState = 'queued' | 'running' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

export interface TransferView {
  id: string;
  profileId: string;
  direction: 'upload' | 'download';
  /** The file name, for people. */
  title: string;
  /** The other party: recipient or sender mailbox. */
  counterpart?: string;
  state: TransferState;
  bytesDone: number;
  bytesTotal?: number;
  /** Bytes per second, smoothed. */
  rate?: number;
  secondsLeft?: number;
  chunk: number;
  chunks: number;
  messageId?: string;
  /** Where a finished download was saved. */
  savedPath?: string;
  error?: AppErrorShape;
  /** A short note on the state, e.g. why it cannot be cancelled now. */
  note?: string;
  updatedAt: string;
}

export interface FileChoice {
  /** An opaque handle main gave the file; sendMessage takes it. */
  fileRef: string;
  name: string;
  size: number;
}

export interface SendRequest {
  profileId: string;
  /** One message is sent to each recipient, as MESH requires. */
  recipients: string[];
  workflowId: string;
  subject?: string;
  localId?: string;
  fileRef: string;
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Something worth an operating-system notification. */
export interface NotificationEvent {
  kind: 'new-messages' | 'transfer-done' | 'transfer-failed' | 'non-delivery' | 'certificate-expiry';
  title: string;
  body: string;
  profileId?: string;
}

export interface FolderModeActivity {
  at: string;
  kind: 'claimed' | 'sent' | 'failed' | 'received' | 'report' | 'problem';
  /** The file's name in OUT, or the message id for IN. */
  name: string;
  detail: string;
  messageId?: string;
}

export interface FolderModeMailboxView {
  profileId: string;
  mailboxId: string;
  folder: string;
  lastPollAt?: string;
  waitingInOut: number;
  sending: number;
  sentSinceStart: number;
  failedSinceStart: number;
  receivedSinceStart: number;
  /** Files that need a person, in words. */
  problems: string[];
  /** What folder mode did, newest first. */
  activity: FolderModeActivity[];
}

/** Folder mode as the window sees it, whoever runs it (this app, or `mesh-desktop run` as a service). */
export interface FolderModeView {
  runner: 'this-app' | 'service' | 'none';
  healthy: boolean;
  /** Why it is not healthy, in words. */
  reasons: string[];
  mailboxes: FolderModeMailboxView[];
  notRunning: { mailboxId: string; reason: string }[];
}

/** Which way an activity entry moved a message: out, in, or neither (a mailbox added, a policy applied). */
export type ActivityDirection = 'sent' | 'received' | 'other';

/** What the Activity view may narrow the audit trail to; every field is optional. */
export interface ActivityFilter {
  /** First day to include (YYYY-MM-DD, a UTC day). */
  from?: string;
  /** Last day to include (YYYY-MM-DD, a UTC day), all of it. */
  to?: string;
  mailboxId?: string;
  direction?: ActivityDirection;
  workflowId?: string;
  /** Words found anywhere in the entry's subject, file name, parties, message ID or reason (case ignored). */
  text?: string;
}

/** One entry of the audit trail as the Activity view shows it: plain words, never a secret or a file's contents. */
export interface ActivityEntry {
  /** The entry's number in the trail (1, 2, 3…). */
  sequence: number;
  /** When, in UTC (ISO 8601). */
  atUtc: string;
  /** The same moment on this computer's clock, with its offset. */
  atLocal: string;
  /** The action in words, e.g. "Message sent". */
  action: string;
  direction: ActivityDirection;
  outcome: 'ok' | 'failed' | 'cancelled';
  /** The outcome in words, with the reason when it failed. */
  outcomeText: string;
  mailbox?: { id: string; environment: string };
  /** Who acted: the account, and through which part of the app. */
  who: { account: string; via: 'window' | 'command line' | 'folder mode' };
  /** The other mailbox: the recipient of a send, the sender of a receipt. */
  counterpart?: string;
  workflowId?: string;
  subject?: string;
  fileName?: string;
  size?: number;
  sha256?: string;
  savedTo?: string;
  messageId?: string;
}

/** Which stretch of the matching entries the window wants: it asks page by page as the person scrolls. */
export interface ActivityPage {
  /** How many matching entries to skip, counted from the newest (or the oldest when `oldestFirst`). */
  offset: number;
  /** How many to send, at most ACTIVITY_PAGE_LIMIT. */
  limit: number;
  oldestFirst?: boolean;
}

/** A count on the printable summary: a name and how many entries have it. */
export interface ActivityCount {
  label: string;
  count: number;
}

/** Counts over every matching entry, for the page an IG lead prints or saves as PDF. */
export interface ActivitySummary {
  entries: number;
  /** The earliest and latest matching entries (UTC, ISO 8601). */
  first?: string;
  last?: string;
  byMailbox: ActivityCount[];
  byDirection: ActivityCount[];
  byOutcome: ActivityCount[];
}

/** The Activity view's answer: one page of the matching entries, how many match, whether the record is whole. */
export interface ActivityList {
  /** The page asked for, in the order asked for (newest first unless `oldestFirst`). */
  entries: ActivityEntry[];
  /** Where the page starts among the matching entries. */
  offset: number;
  /** How many entries pass the filter. */
  matched: number;
  /** How many entries the whole trail holds (before the filter). */
  total: number;
  summary: ActivitySummary;
  verified: { ok: boolean; sentence: string };
}

/** An export of the Activity view: saved to a file main chose with the person, or handed back as text to download. */
export type ActivityExport =
  | { kind: 'saved'; path: string; entries: number }
  | { kind: 'text'; fileName: string; mimeType: string; text: string; entries: number }
  | { kind: 'cancelled' };
