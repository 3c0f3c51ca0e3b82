/**
 * Runtime schemas for the arguments of every request, and the result and event
 * types. Main validates every argument against these before a service sees it;
 * the window's types are derived from the same source, so the two cannot drift.
 */
import { z } from 'zod';
import type { EventName, PageRequestName, RequestName } from './channels';
import type {
  ActivityExport,
  ActivityList,
  AppInfo,
  ConnectionTestResult,
  CsrResult,
  FileChoice,
  FolderModeView,
  InboxItem,
  MailboxSummary,
  MessageParty,
  Notice,
  NotificationEvent,
  Reply,
  SentItem,
  SettingsSnapshot,
  TransferView,
  Unsubscribe,
} from './types';

// Plain-words messages: these reach a person when the window sends something odd.
const text = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters` });
const required = (label: string, max: number) => text(label, max).min(1, { error: `${label} is required` });
const profileId = required('The mailbox', 100);
const messageId = required('The message id', 100);
const messageIds = z
  .array(messageId, { error: 'A list of message ids is required' })
  .min(1, { error: 'Choose at least one message' })
  .max(5000);
const transferId = required('The transfer id', 100);
const environment = z.enum(['INT', 'DEP', 'LIVE', 'TRAINING', 'CUSTOM'], {
  error: 'Choose INT, DEP, LIVE, the training sandbox, or a custom address',
});
const filePath = required('The file path', 4096);
const secret = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .min(1, { error: `${label} is required` })
    .max(2000);
const acknowledge = z.enum(['after-save', 'manual'], { error: 'Choose whether to acknowledge messages after saving, or by hand' });
const pollInterval = z
  .number({ error: 'The check interval must be a number of minutes' })
  .int()
  .min(5, { error: 'MESH allows a check at most every 5 minutes' })
  .max(1440);

const certificateInput = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('pem'),
      certificatePath: filePath,
      keyPath: filePath,
      passphrase: secret('The key password').optional(),
    }),
    z.strictObject({ kind: z.literal('pfx'), path: filePath, passphrase: secret('The certificate password').optional() }),
  ],
  { error: 'Choose a certificate file' },
);

const newMailbox = z.strictObject({
  environment,
  customUrl: text('The address', 2000).optional(),
  mailboxId: required('The mailbox ID', 20),
  displayName: required('The display name', 100),
  password: secret('The mailbox password'),
  sharedKey: secret('The environment shared secret').optional(),
  certificate: certificateInput.optional(),
  downloadFolder: filePath.optional(),
  acknowledge: acknowledge.optional(),
  pollIntervalMinutes: pollInterval.optional(),
});

const folderMode = z.strictObject({
  enabled: z.boolean({ error: 'Say whether folder mode is on' }),
  folder: filePath,
  plainFileDefaults: z
    .strictObject({
      to: required('The recipient for plain files', 100),
      workflowId: required('The workflow for plain files', 300),
      subject: text('The subject', 500).optional(),
    })
    .optional(),
});

const mailboxPatch = z.strictObject({
  displayName: required('The display name', 100).optional(),
  folderMode: folderMode.optional(),
  downloadFolder: filePath.optional(),
  pollIntervalMinutes: pollInterval.optional(),
  acknowledge: acknowledge.optional(),
  password: secret('The mailbox password').optional(),
  sharedKey: secret('The environment shared secret').optional(),
  certificate: certificateInput.optional(),
  certificatePassphrase: secret('The certificate password').optional(),
});

const settingsPatch = z.strictObject({
  proxy: z
    .strictObject({
      mode: z.enum(['system', 'manual', 'none']),
      url: text('The proxy address', 2000).optional(),
      username: text('The proxy user name', 200).optional(),
      password: secret('The proxy password').optional(),
      noProxy: text('The list of addresses that bypass the proxy', 2000).optional(),
    })
    .optional(),
  defaultDownloadFolder: filePath.optional(),
  extraCaFiles: z.array(filePath).max(20).optional(),
  maxConcurrentTransfers: z.number().int().min(1).max(8).optional(),
  notifications: z.boolean().optional(),
});

const sendRequest = z.strictObject({
  profileId,
  recipients: z
    .array(required('The recipient mailbox ID', 100), { error: 'Add at least one recipient' })
    .min(1, { error: 'Add at least one recipient' })
    .max(50, { error: 'Send to at most 50 recipients at once' }),
  workflowId: required('The workflow ID', 300),
  subject: text('The subject', 500).optional(),
  localId: text('The local reference', 300).optional(),
  fileRef: required('The file', 200),
});

const day = (label: string) =>
  z
    .string({ error: `${label} must be a date` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date such as 2026-03-31` })
    .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
      error: `${label} is not a real date`,
    });
const activityFilter = z
  .strictObject({
    from: day('The first day').optional(),
    to: day('The last day').optional(),
    mailboxId: text('The mailbox ID', 64).optional(),
    direction: z.enum(['sent', 'received', 'other'], { error: 'Choose sent, received or other' }).optional(),
    workflowId: text('The workflow ID', 300).optional(),
    text: text('The search words', 500).optional(),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    error: 'The first day must be on or before the last day',
  });
const exportFormat = z.enum(['csv', 'json'], { error: 'Choose CSV or JSON' });
/** The most entries one page of the Activity view carries: a few screens, so no answer holds up the window. */
export const ACTIVITY_PAGE_LIMIT = 1000;
const activityPage = z.strictObject({
  offset: z
    .number({ error: 'The place in the list must be a number' })
    .int({ error: 'The place in the list must be a whole number' })
    .min(0, { error: 'The place in the list cannot be negative' })
    .max(1e9, { error: 'The place in the list is too far' }),
  limit: z
    .number({ error: 'The page size must be a number' })
    .int({ error: 'The page size must be a whole number' })
    .min(1, { error: 'The page size must be at least 1' })
    .max(ACTIVITY_PAGE_LIMIT, { error: `The page size must be at most ${ACTIVITY_PAGE_LIMIT}` }),
  oldestFirst: z.boolean({ error: 'Say whether the oldest come first' }).optional(),
});

/** Arguments of each request, as a tuple (the window calls `mesh.name(...args)`). */
export const requestSchemas = {
  getAppInfo: z.tuple([]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  copyDiagnostics: z.tuple([]),
  listMailboxes: z.tuple([]),
  describeMailbox: z.tuple([profileId]),
  addMailbox: z.tuple([newMailbox]),
  updateMailbox: z.tuple([profileId, mailboxPatch]),
  removeMailbox: z.tuple([profileId]),
  testConnection: z.tuple([profileId]),
  startTrainingSandbox: z.tuple([]),
  generateCsr: z.tuple([
    z.strictObject({
      commonName: required('The common name', 64),
      organisation: text('The organisation', 64).optional(),
      folder: filePath.optional(),
    }),
  ]),
  listInbox: z.tuple([profileId]),
  checkNow: z.tuple([profileId]),
  downloadMessages: z.tuple([profileId, messageIds, z.strictObject({ folder: filePath.optional() }).optional()]),
  acknowledgeMessages: z.tuple([profileId, messageIds]),
  showInFolder: z.tuple([filePath]),
  openFile: z.tuple([filePath]),
  chooseFolder: z.tuple([z.strictObject({ title: text('The title', 200).optional() }).optional()]),
  listSent: z.tuple([profileId]),
  refreshSent: z.tuple([profileId, z.string().max(100).optional()]),
  lookupMailboxes: z.tuple([profileId, required('The ODS code', 20), required('The workflow ID', 300)]),
  searchWorkflow: z.tuple([profileId, required('The workflow ID', 300)]),
  recentWorkflows: z.tuple([profileId]),
  sendMessage: z.tuple([sendRequest]),
  folderModeStatus: z.tuple([]),
  listTransfers: z.tuple([]),
  pauseTransfer: z.tuple([transferId]),
  resumeTransfer: z.tuple([transferId]),
  cancelTransfer: z.tuple([transferId]),
  retryTransfer: z.tuple([
    transferId,
    z.strictObject({ sendAgain: z.boolean({ error: 'Say whether to send the message again' }) }).optional(),
  ]),
  listActivity: z.tuple([activityFilter.optional(), activityPage.optional()]),
  exportActivity: z.tuple([activityFilter.optional(), exportFormat.optional()]),
  registerFilePath: z.tuple([filePath]),
} satisfies Record<RequestName, z.ZodTuple>;

/** What each request resolves to. */
export interface RequestResults {
  getAppInfo: AppInfo;
  getSettings: SettingsSnapshot;
  updateSettings: SettingsSnapshot;
  copyDiagnostics: string;
  listMailboxes: MailboxSummary[];
  describeMailbox: MailboxSummary;
  addMailbox: MailboxSummary;
  updateMailbox: MailboxSummary;
  removeMailbox: null;
  testConnection: ConnectionTestResult;
  startTrainingSandbox: MailboxSummary[];
  generateCsr: CsrResult;
  listInbox: InboxItem[];
  checkNow: { checkedAt?: string; nextAllowedAt: string; newMessages: number };
  downloadMessages: string[];
  acknowledgeMessages: { acknowledged: string[]; failed: { messageId: string; message: string }[] };
  showInFolder: null;
  openFile: null;
  chooseFolder: string | null;
  listSent: SentItem[];
  refreshSent: SentItem[];
  lookupMailboxes: MessageParty[];
  searchWorkflow: MessageParty[];
  recentWorkflows: string[];
  sendMessage: SentItem[];
  folderModeStatus: FolderModeView;
  listTransfers: TransferView[];
  pauseTransfer: TransferView;
  resumeTransfer: TransferView;
  cancelTransfer: TransferView;
  retryTransfer: TransferView;
  listActivity: ActivityList;
  exportActivity: ActivityExport;
  registerFilePath: FileChoice;
}

/** What each event carries. */
export interface EventPayloads {
  'mailboxes-changed': MailboxSummary[];
  /** Settings or policy changed (a Group Policy refresh, say): Settings reads them again. */
  'settings-changed': null;
  'inbox-changed': { profileId: string };
  'sent-changed': { profileId: string };
  'transfers-changed': TransferView[];
  'transfer-progress': TransferView;
  notice: Notice;
  notification: NotificationEvent;
}

// Compile-time proof that names, schemas, results and events line up exactly.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const schemasCoverEveryName: Exact<keyof typeof requestSchemas, RequestName> = true;
const resultsCoverEveryName: Exact<keyof RequestResults, RequestName> = true;
const eventsCoverEveryName: Exact<keyof EventPayloads, EventName> = true;
void schemasCoverEveryName;
void resultsCoverEveryName;
void eventsCoverEveryName;

export type RequestArgs<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ValidatedArgs<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

/** The whole API the window sees as `window.mesh`, whichever transport carries it. */
export type MeshApi = {
  readonly [K in PageRequestName]: (...args: RequestArgs<K>) => Promise<Reply<RequestResults[K]>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe;
  /**
   * Hands main a file the person picked or dropped, and gets back a handle for
   * sendMessage. In Electron the preload passes the file's path; in the
   * preview the file is streamed to main over the bridge's origin.
   */
  registerFile(file: File): Promise<Reply<FileChoice>>;
};

/** What main implements for each request, after validation. */
export type RequestHandlers = {
  [K in RequestName]: (...args: ValidatedArgs<K>) => Promise<RequestResults[K]> | RequestResults[K];
};
