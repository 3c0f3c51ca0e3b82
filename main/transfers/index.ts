/**
 * The transfer engine: persistent, resumable sends and receipts over MESH,
 * inbox polling within NHS's rules, the inbox cache and the sent history.
 */
export { TransferEngine, type TransferEngineOptions } from './engine';
export type {
  AcknowledgeResult,
  CheckNowResult,
  DownloadRequest,
  MailboxTransferSettings,
  PollResult,
  TransferEngineEvents,
  UploadRequest,
} from './types';
export type { TransferClient } from './run-context';
export type { InboxItem, InboxEntry, ReportDetails } from './inbox';
export type { SentRecord, NonDelivery, UnmatchedReport } from './mailbox-store';
export type { ReceivedFileSidecar } from './file-placement';
export type { TransferProgress, TransferState, TransferKind, UploadRecord, DownloadRecord, SendDecision } from './types';
export { safeFileName, numberedFileName, meshHeaderFileName, isReservedWindowsName, runsAsProgram } from './safe-file-name';
export { parseChecksum, formatChecksum } from './checksum';
export {
  pollIntervalMs,
  nextInboxPollAt,
  checkNowDecision,
  nextHandshakeAt,
  trackingDue,
  isFinalTrackingStatus,
  MIN_POLL_INTERVAL_MINUTES,
  MAX_POLL_INTERVAL_MINUTES,
} from './schedule';
export { inboxExpiry, inboxView } from './inbox';
export { decideUnknownOutcome, nextUploadStep, nextDownloadStep } from './recovery';
