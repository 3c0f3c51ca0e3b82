/**
 * The records the transfer engine keeps on disk (its journal) and the shapes
 * it reports to the window. Records are plain JSON: dates are ISO strings.
 */
import type { AppErrorShape } from '../shared/errors';

/** Where a transfer is, as the window shows it. */
export type TransferState = 'queued' | 'running' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

export type TransferKind = 'upload' | 'download';

/** One decision the engine took about a send whose outcome was unknown, kept for the person and the log. */
export interface SendDecision {
  at: string;
  action: RecoveryAction;
  reason: string;
  /** The message id the decision adopted, when there was one. */
  messageId?: string;
}

export type RecoveryAction = 'adopt' | 'landed-id-unknown' | 'send-again' | 'ask-person' | 'check-later';

/** What the mailbox's local-id tracking looked like before the first POST (only for a reference the person chose). */
export type LocalIdSnapshot = { kind: 'none' } | { kind: 'found'; messageIds: string[] } | { kind: 'several'; messageIds?: string[] };

interface TransferBase {
  /** The engine's own id for this transfer (a UUID). */
  id: string;
  kind: TransferKind;
  profileId: string;
  state: TransferState;
  createdAt: string;
  updatedAt: string;
  /** Set while failed: what went wrong, in words for a person. */
  error?: AppErrorShape;
  /** A sentence about the state, e.g. why it cannot be cancelled, or that it will retry by itself. */
  note?: string;
  /** Automatic retries used since the last success (transient failures). */
  autoRetries: number;
}

/** A file being sent. The journal record is written before every step that MESH could see. */
export interface UploadRecord extends TransferBase {
  kind: 'upload';
  filePath: string;
  /** Size and modification time when queued: a changed file must not be sent half old, half new. */
  fileSize: number;
  fileModifiedMs: number;
  /** The file name MESH carries (mex-FileName). */
  fileName: string;
  to: string;
  /** The recipient's name when it was looked up. */
  recipientName?: string;
  workflowId: string;
  subject?: string;
  /** What goes in mex-LocalID: the person's reference if they gave one, else appLocalId. */
  localId: string;
  /** MESH Desktop's own unique reference ("MD-<uuid>"), kept even when the person chose localId. */
  appLocalId: string;
  localIdChosenByPerson: boolean;
  /** For a person's reference: which messages already had it before our first POST. */
  localIdSnapshot?: LocalIdSnapshot;
  compress: boolean;
  chunkSize: number;
  chunkCount: number;
  /**
   * Whether a checksum goes with the file. Recorded when queued so that a
   * resumed send keeps its choice (records written before this field existed
   * were all sent with one).
   */
  sendChecksum?: boolean;
  /** "sha256:<hex>" of the whole file, computed before the first POST (sent as mex-Content-Checksum). */
  checksum?: string;
  /** Set once MESH gave (or we established) the message id. */
  messageId?: string;
  /** Chunks MESH confirmed, 1..chunksConfirmed (0 before chunk 1 is confirmed). */
  chunksConfirmed: number;
  /**
   * Written and flushed BEFORE each first POST /outbox, cleared when its
   * answer is recorded. Finding it set after a restart means the outcome of
   * that POST is unknown and must be established before anything is re-sent.
   */
  firstPostIntent?: { attempt: number; at: string };
  /** How many times a first POST was started for this transfer. */
  firstPostAttempts: number;
  /** Decisions about unknown outcomes, oldest first. */
  decisions: SendDecision[];
  /** Chunked messages we started but will never finish (so never delivered). */
  abandonedMessageIds: string[];
  /** MESH has the message but did not say its id (several matches for the reference; see recovery.ts). */
  messageIdUnknown?: boolean;
  /** Set when the send finished: when MESH accepted the last chunk. */
  sentAt?: string;
  /** True once the last (or only) chunk's POST began: from then on it cannot be cancelled. */
  finalChunkStarted?: boolean;
  /** The person said to send again although the outcome of a first POST is unknown. */
  sendAgainConfirmed?: boolean;
}

/** The MESH facts about a received message, kept with the download and in the sidecar. */
export interface ReceivedMessageFacts {
  messageId: string;
  messageType: 'DATA' | 'REPORT';
  from?: string;
  to?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  /** The file name exactly as the sender gave it (untrusted; never used as a path). */
  fileName?: string;
  contentType?: string;
  checksum?: string;
  encrypted: boolean;
  compressed: boolean;
  chunkCount: number;
  /** When MESH says it was delivered (mex-statustimestamp), if given. */
  deliveredAt?: string;
}

/** How a download was verified. */
export interface Verification {
  bytes: number;
  /** 'verified' matched the sender's checksum; 'not-checked' when the sender gave none we recognise. */
  checksum: 'verified' | 'not-checked';
  checksumAlgorithm?: string;
  /** Per-chunk lengths matched Content-Length (plain) or gzip's own length and CRC check (gzip). */
  lengthsChecked: boolean;
}

/** A message being received. */
export interface DownloadRecord extends TransferBase {
  kind: 'download';
  messageId: string;
  destinationFolder: string;
  /** A name the person chose; otherwise the sender's name, made safe. */
  saveAs?: string;
  acknowledge: 'after-save' | 'manual';
  /** The partial file in the destination folder. */
  partPath: string;
  facts?: ReceivedMessageFacts;
  /** The size when known in advance (a single-chunk message without transfer encoding). */
  expectedBytes?: number;
  /** Chunks fully written and flushed to partPath: 1..chunksDone. */
  chunksDone: number;
  /** Bytes in partPath after chunksDone chunks (the resume offset). */
  bytesDone: number;
  /** The final name being tried (written before each attempt, so a crash mid-placement can be finished). */
  placingAs?: string;
  /** placingAs was reserved with an exclusive create (file systems without hard links). */
  placingReserved?: boolean;
  /** Set once the file has its final name. */
  savedPath?: string;
  sidecarPath?: string;
  savedAt?: string;
  acknowledgedAt?: string;
  verification?: Verification;
  receivedAt?: string;
}

export type TransferRecord = UploadRecord | DownloadRecord;

/** What the window sees of a transfer. */
export interface TransferProgress {
  id: string;
  kind: TransferKind;
  profileId: string;
  state: TransferState;
  /** The file's name (as sent, or as it will be saved). */
  name: string;
  messageId?: string;
  bytesDone: number;
  bytesTotal?: number;
  /** Smoothed bytes per second while running. */
  rate?: number;
  secondsLeft?: number;
  chunk?: { k: number; n: number };
  /** False once a cancel could no longer keep the message from being delivered (or for finished transfers). */
  cancellable: boolean;
  note?: string;
  error?: AppErrorShape;
  savedPath?: string;
}

/** How one mailbox receives. */
export interface MailboxTransferSettings {
  downloadFolder: string;
  /** 'after-save': acknowledge once the file is verified and saved; 'manual': leave it to the person. */
  acknowledge: 'after-save' | 'manual';
  /** Download new messages as soon as a poll finds them. */
  autoDownload: boolean;
  /** Minutes between inbox checks (held within 5 minutes – 24 hours). */
  pollIntervalMinutes?: number;
}

/** Callbacks for the services layer (all optional). */
export interface TransferEngineEvents {
  /** A transfer's progress or state changed (throttled to ~10 a second per transfer; state changes at once). */
  progress?(progress: TransferProgress): void;
  /** A mailbox's inbox cache changed. */
  inboxChanged?(profileId: string): void;
  /** A mailbox's sent history changed (a send finished, tracking or a report arrived). */
  sentChanged?(profileId: string): void;
}

/** What to send. */
export interface UploadRequest {
  profileId: string;
  filePath: string;
  /** Recipient mailbox id. */
  to: string;
  workflowId: string;
  subject?: string;
  /** The person's own reference; without it MESH Desktop makes one ("MD-<uuid>"). */
  localId?: string;
  /** The name the recipient sees; default the file's own name. */
  fileName?: string;
  /** gzip each chunk for the journey (Content-Encoding: gzip). */
  compress?: boolean;
  /**
   * Send a SHA-256 of the file as mex-Content-Checksum so the recipient can
   * check it arrived intact. MESH itself never checks it, and working it out
   * means reading the whole file once before the first byte is sent (about a
   * second per GB from a local disk, longer from a network share). Default:
   * the engine's `checksums` option.
   */
  checksum?: boolean;
  chunkSize?: number;
  /** Recipient's name, if it was looked up, for the sent history. */
  recipientName?: string;
}

/** What to receive. */
export interface DownloadRequest {
  profileId: string;
  messageId: string;
  /** Default: the mailbox's download folder. */
  destinationFolder?: string;
  /** A name the person chose (made safe all the same). */
  saveAs?: string;
  /** Default: the mailbox's setting, else 'after-save'. */
  acknowledge?: 'after-save' | 'manual';
}

/** What one inbox check found. */
export interface PollResult {
  listed: number;
  newMessages: number;
  reports: number;
  downloadsQueued: number;
  moreWaiting: boolean;
  nextPollAt: Date;
  handshake: boolean;
}

/** The answer to "check now". */
export type CheckNowResult = { checked: true; result: PollResult } | { checked: false; nextAllowedAt: Date };

/** The result of acknowledging one message. */
export interface AcknowledgeResult {
  messageId: string;
  ok: boolean;
  error?: AppErrorShape;
}
