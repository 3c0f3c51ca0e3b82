/**
 * Two services, built together by createTransfers: the transfer queue
 * (persistent, resumable sends and receipts over MESH) and mailbox activity
 * (inbox polling within NHS's rules, the inbox cache, acknowledgement,
 * tracking and the sent history).
 */
export { createTransfers, type Transfers, type TransfersOptions } from './compose';
export { TransferEngine, type TransferEngineOptions } from './engine';
export { MailboxActivity, type TransferQueueView } from './mailbox-activity';
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
