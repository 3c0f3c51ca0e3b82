/**
 * The names of everything the window may ask of main, and of everything main
 * pushes to the window. This file has no dependencies so that the preload
 * bundle can carry the list without pulling in zod; `schemas.ts` proves at
 * compile time that it has a schema for exactly these names.
 */
/**
 * Who may send each request: the one table both bridges are built from.
 *
 * - `page`: the window's own code, through `window.mesh`.
 * - `bridge`: only a bridge's own code, never the page. These carry things the
 *   page must not be able to forge (a file's path on disk): `createMeshApi`
 *   leaves them off `window.mesh`, and the dispatcher refuses them from a page.
 *
 * In Electron every request reaches main through the preload (context
 * isolation keeps `ipcRenderer` out of the page's reach), so IPC carries both
 * kinds, each on its own channel. The preview's WebSocket carries only what the
 * page sends, so it has no path for a bridge-only request at all: its bridge
 * hands main a file by streaming the file's bytes instead.
 */
export const requestSenders = {
  // The installation
  getAppInfo: 'page',
  getSettings: 'page',
  updateSettings: 'page',
  copyDiagnostics: 'page',
  // Mailboxes, certificates, connection
  listMailboxes: 'page',
  describeMailbox: 'page',
  addMailbox: 'page',
  updateMailbox: 'page',
  removeMailbox: 'page',
  testConnection: 'page',
  startTrainingSandbox: 'page',
  generateCsr: 'page',
  // Inbox
  listInbox: 'page',
  checkNow: 'page',
  downloadMessages: 'page',
  acknowledgeMessages: 'page',
  showInFolder: 'page',
  openFile: 'page',
  chooseFolder: 'page',
  // Sent
  listSent: 'page',
  refreshSent: 'page',
  // New message
  lookupMailboxes: 'page',
  searchWorkflow: 'page',
  recentWorkflows: 'page',
  sendMessage: 'page',
  // Folder mode (the Java MESH Client's IN/OUT folders)
  folderModeStatus: 'page',
  // Transfers
  listTransfers: 'page',
  pauseTransfer: 'page',
  resumeTransfer: 'page',
  cancelTransfer: 'page',
  retryTransfer: 'page',
  // Activity (the audit trail)
  listActivity: 'page',
  exportActivity: 'page',
  // A file the person picked, by its path (Electron's preload only)
  registerFilePath: 'bridge',
} as const satisfies Record<string, RequestSender>;

/** Who sent a request: the page, or a bridge's own code. */
export type RequestSender = 'page' | 'bridge';

export type RequestName = keyof typeof requestSenders;
type NamesSentBy<S extends RequestSender> = { [K in RequestName]: (typeof requestSenders)[K] extends S ? K : never }[RequestName];
export type PageRequestName = NamesSentBy<'page'>;
export type BridgeOnlyRequestName = NamesSentBy<'bridge'>;

export const allRequestNames = Object.keys(requestSenders) as readonly RequestName[];
/** What `window.mesh` offers the page, in the table's order. */
export const requestNames = allRequestNames.filter((name) => requestSenders[name] === 'page') as readonly PageRequestName[];
export const bridgeOnlyRequestNames = allRequestNames.filter(
  (name) => requestSenders[name] === 'bridge',
) as readonly BridgeOnlyRequestName[];

export const eventNames = [
  'mailboxes-changed',
  'settings-changed',
  'inbox-changed',
  'sent-changed',
  'transfers-changed',
  'transfer-progress',
  'notice',
  'notification',
] as const;

export type EventName = (typeof eventNames)[number];

/** The Electron IPC channel that carries one request. */
export const requestChannel = (name: RequestName): string => `mesh:request:${name}`;
/** The Electron IPC channel that carries one kind of event. */
export const eventChannel = (name: EventName): string => `mesh:event:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && Object.hasOwn(requestSenders, value);
}

/** Whether `sender` may make request `name`: a bridge may make any request, the page only its own. */
export function maySend(sender: RequestSender, name: RequestName): boolean {
  return sender === 'bridge' || requestSenders[name] === 'page';
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (eventNames as readonly string[]).includes(value);
}
