/**
 * The records the transfer engine keeps on disk (its journal) and the shapes
 * it reports to the window. Records are plain JSON: dates are ISO strings.
 *
 * The journal's record types are derived from the zod schemas below, so the
 * check made when a record is read back is, by construction, the type the
 * engine writes: one source of truth. The schemas check types only, no
 * ranges or formats (one exception, the id, which the journal already refuses
 * to write otherwise): a rule the types cannot express is one the compiler
 * cannot hold the writer to, and a record this version wrote must always load.
 *
 * Unknown fields are accepted and dropped (zod's default), not refused: a
 * record with fields we do not know most likely comes from a newer version
 * the person has gone back from, and setting its transfer aside would lose
 * more than ignoring what this version cannot act on anyway.
 */
import { z } from 'zod';
import type { AppErrorCode, AppErrorShape } from '../shared/errors';

/** The engine's transfer ids are UUIDs; the journal names files after them, so nothing else is ever accepted. */
export const TRANSFER_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

// Codes from a newer version are still strings a person's message goes with; the window shows the message, not the code.
const appErrorShapeSchema = z.object({
  code: z.custom<AppErrorCode>((value) => typeof value === 'string'),
  message: z.string(),
  meshEvent: z.string().optional(),
  meshCode: z.string().optional(),
  status: z.number().optional(),
  transient: z.boolean().optional(),
});

export const transferStateSchema = z.enum(['queued', 'running', 'paused', 'verifying', 'done', 'failed', 'cancelled']);

/** Where a transfer is, as the window shows it. */
export type TransferState = z.infer<typeof transferStateSchema>;

export type TransferKind = 'upload' | 'download';

const recoveryActionSchema = z.enum(['adopt', 'landed-id-unknown', 'send-again', 'ask-person', 'check-later']);

export type RecoveryAction = z.infer<typeof recoveryActionSchema>;

const sendDecisionSchema = z.object({
  at: z.string(),
  action: recoveryActionSchema,
  reason: z.string(),
  /** The message id the decision adopted, when there was one. */
  messageId: z.string().optional(),
});

/** One decision the engine took about a send whose outcome was unknown, kept for the person and the log. */
export type SendDecision = z.infer<typeof sendDecisionSchema>;

const localIdSnapshotSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('found'), messageIds: z.array(z.string()) }),
  z.object({ kind: z.literal('several'), messageIds: z.array(z.string()).optional() }),
]);

/** What the mailbox's local-id tracking looked like before the first POST (only for a reference the person chose). */
export type LocalIdSnapshot = z.infer<typeof localIdSnapshotSchema>;

const transferBaseShape = {
  /** The engine's own id for this transfer (a UUID). */
  id: z.string().regex(TRANSFER_ID_PATTERN),
  profileId: z.string(),
  state: transferStateSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Set while failed: what went wrong, in words for a person. */
  error: appErrorShapeSchema.optional(),
  /** A sentence about the state, e.g. why it cannot be cancelled, or that it will retry by itself. */
  note: z.string().optional(),
  /** Automatic retries used since the last success (transient failures). */
  autoRetries: z.number(),
};

/** A file being sent. The journal record is written before every step that MESH could see. */
export const uploadRecordSchema = z.object({
  ...transferBaseShape,
  kind: z.literal('upload'),
  filePath: z.string(),
  /** Size and modification time when queued: a changed file must not be sent half old, half new. */
  fileSize: z.number(),
  fileModifiedMs: z.number(),
  /** The file name MESH carries (mex-FileName). */
  fileName: z.string(),
  to: z.string(),
  /** The recipient's name when it was looked up. */
  recipientName: z.string().optional(),
  workflowId: z.string(),
  subject: z.string().optional(),
  /** What goes in mex-LocalID: the person's reference if they gave one, else appLocalId. */
  localId: z.string(),
  /** MESH Desktop's own unique reference ("MD-<uuid>"), kept even when the person chose localId. */
  appLocalId: z.string(),
  localIdChosenByPerson: z.boolean(),
  /** For a person's reference: which messages already had it before our first POST. */
  localIdSnapshot: localIdSnapshotSchema.optional(),
  compress: z.boolean(),
  chunkSize: z.number(),
  chunkCount: z.number(),
  /**
   * Whether a checksum goes with the file. Recorded when queued so that a
   * resumed send keeps its choice (records written before this field existed
   * were all sent with one).
   */
  sendChecksum: z.boolean().optional(),
  /** "sha256:<hex>" of the whole file, computed before the first POST (sent as mex-Content-Checksum). */
  checksum: z.string().optional(),
  /** Set once MESH gave (or we established) the message id. */
  messageId: z.string().optional(),
  /** SHA-256 (hex) of the file's bytes as sent, set when the send finished (for the audit trail). */
  sentSha256: z.string().optional(),
  /** Chunks MESH confirmed, 1..chunksConfirmed (0 before chunk 1 is confirmed). */
  chunksConfirmed: z.number(),
  /**
   * Written and flushed BEFORE each first POST /outbox, cleared when its
   * answer is recorded. Finding it set after a restart means the outcome of
   * that POST is unknown and must be established before anything is re-sent.
   */
  firstPostIntent: z.object({ attempt: z.number(), at: z.string() }).optional(),
  /** How many times a first POST was started for this transfer. */
  firstPostAttempts: z.number(),
  /** Decisions about unknown outcomes, oldest first. */
  decisions: z.array(sendDecisionSchema),
  /** Chunked messages we started but will never finish (so never delivered). */
  abandonedMessageIds: z.array(z.string()),
  /** MESH has the message but did not say its id (several matches for the reference; see recovery.ts). */
  messageIdUnknown: z.boolean().optional(),
  /** Set when the send finished: when MESH accepted the last chunk. */
  sentAt: z.string().optional(),
  /** True once the last (or only) chunk's POST began: from then on it cannot be cancelled. */
  finalChunkStarted: z.boolean().optional(),
  /** The person said to send again although the outcome of a first POST is unknown. */
  sendAgainConfirmed: z.boolean().optional(),
});

/** A file being sent. The journal record is written before every step that MESH could see. */
export type UploadRecord = z.infer<typeof uploadRecordSchema>;

const receivedMessageFactsSchema = z.object({
  messageId: z.string(),
  messageType: z.enum(['DATA', 'REPORT']),
  from: z.string().optional(),
  to: z.string().optional(),
  workflowId: z.string().optional(),
  subject: z.string().optional(),
  localId: z.string().optional(),
  /** The file name exactly as the sender gave it (untrusted; never used as a path). */
  fileName: z.string().optional(),
  contentType: z.string().optional(),
  checksum: z.string().optional(),
  encrypted: z.boolean(),
  compressed: z.boolean(),
  chunkCount: z.number(),
  /** When MESH says it was delivered (mex-statustimestamp), if given. */
  deliveredAt: z.string().optional(),
});

/** The MESH facts about a received message, kept with the download and in the sidecar. */
export type ReceivedMessageFacts = z.infer<typeof receivedMessageFactsSchema>;

const verificationSchema = z.object({
  bytes: z.number(),
  /** 'verified' matched the sender's checksum; 'not-checked' when the sender gave none we recognise. */
  checksum: z.enum(['verified', 'not-checked']),
  checksumAlgorithm: z.string().optional(),
  /** Per-chunk lengths matched Content-Length (plain) or gzip's own length and CRC check (gzip). */
  lengthsChecked: z.boolean(),
});

/** How a download was verified. */
export type Verification = z.infer<typeof verificationSchema>;

/** A message being received. */
export const downloadRecordSchema = z.object({
  ...transferBaseShape,
  kind: z.literal('download'),
  messageId: z.string(),
  destinationFolder: z.string(),
  /** A name the person chose; otherwise the sender's name, made safe. */
  saveAs: z.string().optional(),
  acknowledge: z.enum(['after-save', 'manual']),
  /** The partial file in the destination folder. */
  partPath: z.string(),
  facts: receivedMessageFactsSchema.optional(),
  /** The size when known in advance (a single-chunk message without transfer encoding). */
  expectedBytes: z.number().optional(),
  /** Chunks fully written and flushed to partPath: 1..chunksDone. */
  chunksDone: z.number(),
  /** Bytes in partPath after chunksDone chunks (the resume offset). */
  bytesDone: z.number(),
  /** The final name being tried (written before each attempt, so a crash mid-placement can be finished). */
  placingAs: z.string().optional(),
  /** placingAs was reserved with an exclusive create (file systems without hard links). */
  placingReserved: z.boolean().optional(),
  /** Set once the file has its final name. */
  savedPath: z.string().optional(),
  sidecarPath: z.string().optional(),
  savedAt: z.string().optional(),
  acknowledgedAt: z.string().optional(),
  verification: verificationSchema.optional(),
  receivedAt: z.string().optional(),
});

/** A message being received. */
export type DownloadRecord = z.infer<typeof downloadRecordSchema>;

/** What the journal accepts when it reads a record back: exactly what it writes. */
export const transferRecordSchema = z.discriminatedUnion('kind', [uploadRecordSchema, downloadRecordSchema]);

export type TransferRecord = z.infer<typeof transferRecordSchema>;

// The error shape kept in a record is the one the rest of the app hands around.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const errorShapeMatches: Exact<z.infer<typeof appErrorShapeSchema>, AppErrorShape> = true;
const kindMatches: Exact<TransferRecord['kind'], TransferKind> = true;
void errorShapeMatches;
void kindMatches;

/** What the window sees of a transfer. */
export interface TransferProgress {
  id: string;
  kind: TransferKind;
  profileId: string;
  state: TransferState;
  /** The file's name (as sent, or as it will be saved). */
  name: string;
  /** The other mailbox: "Name (ID)" or the ID for a send, the sender's ID for a receipt. */
  counterpart?: string;
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
  /**
   * A transfer ended: sent or saved (state done), failed with no retry left (failed), or cancelled. The record is a
   * copy, taken once the state is on disk.
   */
  finished?(record: TransferRecord): void;
  /** A message was acknowledged on the person's (or folder mode's) say-so; facts from the inbox cache when known. */
  acknowledged?(profileId: string, messageId: string, facts: ReceivedMessageFacts | undefined): void;
  /** A non-delivery (or other) REPORT was recorded and acknowledged. */
  reportReceived?(profileId: string, report: ReceivedReport): void;
}

/** A REPORT message as the engine recorded it. */
export interface ReceivedReport {
  reportMessageId: string;
  /** The sent message it is about, when MESH said or it matched the sent history. */
  linkedMessageId?: string;
  localId?: string;
  workflowId?: string;
  subject?: string;
  /** The recipient of the message it is about, when it matched the sent history. */
  to?: string;
  fileName?: string;
  code?: string;
  event?: string;
  description?: string;
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
