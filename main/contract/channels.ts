/**
 * The names of everything the window may ask of main, and of everything main
 * pushes to the window. This file has no dependencies so that the preload
 * bundle can carry the list without pulling in zod; `schemas.ts` proves at
 * compile time that it has a schema for exactly these names.
 */
export const requestNames = [
  // The installation
  'getAppInfo',
  'getSettings',
  'updateSettings',
  'copyDiagnostics',
  // Mailboxes, certificates, connection
  'listMailboxes',
  'describeMailbox',
  'addMailbox',
  'updateMailbox',
  'removeMailbox',
  'testConnection',
  'startTrainingSandbox',
  'generateCsr',
  // Inbox
  'listInbox',
  'checkNow',
  'downloadMessages',
  'acknowledgeMessages',
  'showInFolder',
  'chooseFolder',
  // Sent
  'listSent',
  'refreshSent',
  // New message
  'lookupMailboxes',
  'searchWorkflow',
  'recentWorkflows',
  'sendMessage',
  // Folder mode (the Java MESH Client's IN/OUT folders)
  'folderModeStatus',
  // Transfers
  'listTransfers',
  'pauseTransfer',
  'resumeTransfer',
  'cancelTransfer',
  'retryTransfer',
] as const;

/**
 * Requests only a bridge itself may make, never the page: they carry things
 * the page must not be able to forge (a file's path on disk). `createMeshApi`
 * does not expose them on window.mesh.
 */
export const bridgeOnlyRequestNames = ['registerFilePath'] as const;

export const eventNames = [
  'mailboxes-changed',
  'inbox-changed',
  'sent-changed',
  'transfers-changed',
  'transfer-progress',
  'notice',
  'notification',
] as const;

export type PageRequestName = (typeof requestNames)[number];
export type BridgeOnlyRequestName = (typeof bridgeOnlyRequestNames)[number];
export type RequestName = PageRequestName | BridgeOnlyRequestName;
export type EventName = (typeof eventNames)[number];

export const allRequestNames: readonly RequestName[] = [...requestNames, ...bridgeOnlyRequestNames];

/** The Electron IPC channel that carries one request. */
export const requestChannel = (name: RequestName): string => `mesh:request:${name}`;
/** The Electron IPC channel that carries one kind of event. */
export const eventChannel = (name: EventName): string => `mesh:event:${name}`;

export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && (allRequestNames as readonly string[]).includes(value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (eventNames as readonly string[]).includes(value);
}
