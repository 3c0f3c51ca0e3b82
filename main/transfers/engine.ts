/**
 * The transfer engine: a persistent queue of sends and receipts per mailbox
 * that survives crashes, power cuts and flaky connections. Inbox checks,
 * acknowledgement, tracking and the sent history are mailbox activity's
 * (mailbox-activity.ts); compose.ts builds the two together.
 *
 * Shape: every transfer is a journal record (journal.ts) that the runners
 * (upload-runner.ts, download-runner.ts) advance step by step, saving it
 * before everything MESH could see and after every step recovery could not
 * work out again (each save left out says why). The engine decides which
 * records run (at most `concurrency` at once, oldest first), retries
 * transient failures by itself with growing pauses, and turns pause,
 * cancel and shutdown into aborts at safe points. Memory per transfer is a
 * few 1 MiB buffers, whatever the file size.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CHUNK_SIZE, planChunks, validateChunkSize } from '../mesh/chunks';
import { fileSystemError } from '../mesh/file-io';
import { validateSendHeaders } from '../mesh/headers';
import type { Logger } from '../log/logger';
import { AppError, toAppError } from '../shared/errors';
import type { HashSession } from './checksum';
import { runDownload } from './download-runner';
import { buildSidecar, writeSidecar } from './file-placement';
import { TransferJournal, type SetAsideRecord } from './journal';
import type { TransferQueueView } from './mailbox-activity';
import type { MailboxStore, SentRecord } from './mailbox-store';
import type { MailboxStores } from './mailbox-stores';
import { ProgressThrottle, RateEstimator, secondsLeft } from './progress';
import type { RunContext, TransferClient } from './run-context';
import { PARTIAL_SUFFIX, meshHeaderFileName, safeFileName } from './safe-file-name';
import type {
  DownloadRecord,
  DownloadRequest,
  MailboxTransferSettings,
  TransferEngineEvents,
  TransferProgress,
  TransferRecord,
  TransferState,
  UploadRecord,
  UploadRequest,
} from './types';
import { confirmedBytes, runUpload, type UploadContext } from './upload-runner';

export interface TransferEngineOptions {
  /** Folder for the journal and per-mailbox state (inside the app's data folder). */
  stateFolder: string;
  /** The MESH client of a mailbox profile (the engine does not close it). */
  clientFor(profileId: string): TransferClient | Promise<TransferClient>;
  /** How a mailbox receives; required for downloads without a folder (and for mailbox activity's polling). */
  mailboxSettings?(profileId: string): MailboxTransferSettings | Promise<MailboxTransferSettings>;
  log: Logger;
  clock?: () => Date;
  /** Transfers running at once (1–8, default 3). */
  concurrency?: number;
  events?: TransferEngineEvents;
  /** Raw bytes per chunk for sends (default 75 MiB). */
  chunkSize?: number;
  /** Allow chunks under MESH's 5 MB minimum: tests and the sandbox only. */
  allowSmallChunks?: boolean;
  /**
   * Whether sends carry a SHA-256 checksum unless the request says (default
   * false, as NHS's own MESH clients: it costs a full read of the file before
   * sending; see UploadRequest.checksum).
   */
  checksums?: boolean;
  /** Pauses before each automatic retry of a transient failure; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** Wait before asking MESH whether a lost send arrived (default 5 s). */
  settleDelayMs?: number;
  /** Minimum gap between progress events of one transfer (default 100 ms). */
  progressIntervalMs?: number;
  /** How long shutdown lets a first POST finish before cutting it off (default 30 s). */
  shutdownGraceMs?: number;
}

/** Finished transfers stay in the list (and journal) this long. */
const FINISHED_RECORD_RETENTION_MS = 30 * 24 * 60 * 60_000;

const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 300_000, 300_000, 300_000];

/** Local-id tracking once seen to work is trusted for this long (MESH keeps messages 30 days). */
const LOCAL_ID_VERIFICATION_VALID_MS = 30 * 24 * 60 * 60_000;
const CANARY_MAX_AGE_MS = 25 * 24 * 60 * 60_000;

type StopReason = 'pause' | 'cancel' | 'shutdown';

interface RunningTransfer {
  controller: AbortController;
  stopReason?: StopReason;
  /** A first POST /outbox is on the wire: aborting it would make its outcome unknown, so stops wait for it. */
  firstPostInFlight: boolean;
  done: Promise<void>;
}

interface LiveProgress {
  bytesDone: number;
  bytesTotal?: number;
  chunk?: { k: number; n: number };
}

function isActive(state: TransferState): boolean {
  return state === 'queued' || state === 'running' || state === 'verifying';
}

function progressMarker(record: TransferRecord): number {
  return record.kind === 'upload' ? record.chunksConfirmed + (record.messageId ? 1 : 0) : record.chunksDone;
}

/**
 * The persistent transfer queue of MESH Desktop. Mailbox activity sees it
 * only as a TransferQueueView: queue a download, ask after a transfer, wait
 * for a mailbox's downloads, note an acknowledgement, read unfinished sends.
 */
export class TransferEngine implements TransferQueueView {
  private readonly journal: TransferJournal;
  private readonly records = new Map<string, TransferRecord>();
  private readonly running = new Map<string, RunningTransfer>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<(progress: TransferProgress) => void>();
  private readonly throttles = new Map<string, ProgressThrottle>();
  private readonly rates = new Map<string, RateEstimator>();
  private readonly live = new Map<string, LiveProgress>();
  /** Each running transfer's hash so far (the file received, or sent), kept across retries within this run. */
  private readonly sessions = new Map<string, HashSession>();
  private readonly clock: () => Date;
  /** The clock in milliseconds, without making a Date when the real clock is used (progress reads it per block). */
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];
  private started = false;
  private stopping = false;
  private setAside: readonly SetAsideRecord[] = [];

  /** stores: the mailboxes' remembered state, shared with mailbox activity (see mailbox-stores.ts). */
  constructor(
    private readonly options: TransferEngineOptions,
    private readonly stores: MailboxStores,
  ) {
    const clock = options.clock;
    this.clock = clock ?? (() => new Date());
    this.now = clock ? () => clock().getTime() : Date.now;
    this.log = options.log.child('transfers');
    this.journal = new TransferJournal(options.stateFolder, this.log);
    this.concurrency = Math.min(8, Math.max(1, Math.floor(options.concurrency ?? 3)));
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  // ————— lifecycle —————

  /** Loads the journal and resumes every unfinished transfer from its last confirmed step. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const pruneBefore = this.clock().getTime() - FINISHED_RECORD_RETENTION_MS;
    const { records, setAside } = await this.journal.loadAll();
    this.setAside = setAside;
    for (const record of records) {
      if ((record.state === 'done' || record.state === 'cancelled') && Date.parse(record.updatedAt) < pruneBefore) {
        // Long finished: the sent history and sidecars keep what matters.
        if (record.kind === 'upload' && record.state === 'done') await this.recordSent(record);
        await this.journal.remove(record.id);
        continue;
      }
      this.records.set(record.id, record);
      if (record.state === 'running' || record.state === 'verifying') {
        // It was running when the app stopped (or crashed): carry on from the journal.
        record.state = 'queued';
        await this.journal.save(record);
      }
      if (record.kind === 'upload' && record.state === 'done') await this.recordSent(record);
    }
    this.log.info('Transfer engine started', { transfers: this.records.size, setAside: setAside.length });
    this.pump();
  }

  /** Journal files that held no usable record at start-up, and where each was moved (for the person). */
  setAsideRecords(): readonly SetAsideRecord[] {
    return this.setAside;
  }

  /**
   * Stops at safe points and persists: running transfers stop at once (their
   * journals say where to resume), except a first POST already on the wire,
   * which is given shutdownGraceMs to get its answer.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const run of this.running.values()) this.requestStop(run, 'shutdown');
    const all = Promise.allSettled([...this.running.values()].map((run) => run.done));
    const grace = this.options.shutdownGraceMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), grace);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const run of this.running.values()) run.controller.abort('shutdown');
      await all;
    }
    await this.journal.flush();
    await this.stores.flush();
    this.log.info('Transfer engine stopped');
  }

  // ————— queueing —————

  /** Queues a file to send; returns the transfer's progress snapshot. */
  async enqueueUpload(request: UploadRequest): Promise<TransferProgress> {
    this.assertOpen();
    let info;
    try {
      info = await stat(request.filePath);
      if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    } catch (error) {
      throw fileSystemError(error, request.filePath, 'read');
    }
    const compress = request.compress ?? false;
    if (info.size === 0 && !compress) {
      throw new AppError({
        code: 'invalid-argument',
        message: 'The file is empty. MESH does not accept empty files.',
        detail: request.filePath,
      });
    }
    const chunkSize = request.chunkSize ?? this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const chunkProblem = validateChunkSize(chunkSize, { allowBelowMinimum: this.options.allowSmallChunks ?? false });
    if (chunkProblem) throw chunkProblem;
    const appLocalId = `MD-${randomUUID()}`;
    const personLocalId = request.localId?.trim() ? request.localId.trim() : undefined;
    const fileName = request.fileName?.trim() ? request.fileName.trim() : meshHeaderFileName(path.basename(request.filePath));
    const problem = validateSendHeaders({
      to: request.to,
      workflowId: request.workflowId,
      fileName,
      localId: personLocalId ?? appLocalId,
      ...(request.subject !== undefined ? { subject: request.subject } : {}),
    })[0];
    if (problem) throw problem;
    const now = this.clock().toISOString();
    const record: UploadRecord = {
      id: randomUUID(),
      kind: 'upload',
      profileId: request.profileId,
      state: 'queued',
      createdAt: now,
      updatedAt: now,
      autoRetries: 0,
      filePath: path.resolve(request.filePath),
      fileSize: info.size,
      fileModifiedMs: info.mtimeMs,
      fileName,
      to: request.to.trim(),
      workflowId: request.workflowId.trim(),
      ...(request.subject !== undefined && request.subject !== '' ? { subject: request.subject } : {}),
      localId: personLocalId ?? appLocalId,
      appLocalId,
      localIdChosenByPerson: personLocalId !== undefined,
      compress,
      sendChecksum: request.checksum ?? this.options.checksums ?? false,
      chunkSize,
      chunkCount: planChunks(info.size, chunkSize).length,
      chunksConfirmed: 0,
      firstPostAttempts: 0,
      decisions: [],
      abandonedMessageIds: [],
    };
    if (request.recipientName) record.recipientName = request.recipientName;
    return this.add(record);
  }

  /** Queues a message to receive (the same unfinished download is returned rather than queued twice). */
  async enqueueDownload(request: DownloadRequest): Promise<TransferProgress> {
    this.assertOpen();
    const existing = [...this.records.values()].find(
      (record) =>
        record.kind === 'download' &&
        record.profileId === request.profileId &&
        record.messageId === request.messageId &&
        record.state !== 'cancelled' &&
        record.state !== 'done',
    );
    if (existing) return this.snapshot(existing);
    let folder = request.destinationFolder;
    let acknowledge = request.acknowledge;
    if (folder === undefined || acknowledge === undefined) {
      const settings = await this.options.mailboxSettings?.(request.profileId);
      folder ??= settings?.downloadFolder;
      acknowledge ??= settings?.acknowledge;
    }
    if (!folder) {
      throw new AppError({ code: 'not-configured', message: 'Choose a folder to save received files in (Settings), then try again.' });
    }
    const destinationFolder = path.resolve(folder);
    try {
      await mkdir(destinationFolder, { recursive: true });
    } catch (error) {
      throw fileSystemError(error, destinationFolder, 'write');
    }
    const now = this.clock().toISOString();
    const cached = (await this.mailbox(request.profileId).inbox()).find((entry) => entry.facts.messageId === request.messageId);
    const record: DownloadRecord = {
      id: randomUUID(),
      kind: 'download',
      profileId: request.profileId,
      state: 'queued',
      createdAt: now,
      updatedAt: now,
      autoRetries: 0,
      messageId: request.messageId,
      destinationFolder,
      ...(request.saveAs !== undefined && request.saveAs.trim() !== '' ? { saveAs: request.saveAs } : {}),
      acknowledge: acknowledge ?? 'after-save',
      partPath: path.join(destinationFolder, `${safeFileName(request.messageId, 'message')}${PARTIAL_SUFFIX}`),
      ...(cached ? { facts: { ...cached.facts } } : {}),
      ...(cached?.firstChunkBytes !== undefined && cached.facts.chunkCount === 1 ? { expectedBytes: cached.firstChunkBytes } : {}),
      chunksDone: 0,
      bytesDone: 0,
    };
    if (cached) {
      await this.mailbox(request.profileId).updateInboxEntry(request.messageId, (entry) => {
        entry.downloadTransferId = record.id;
      });
    }
    return this.add(record);
  }

  /** Journals a new record and queues it; returns its snapshot as queued. */
  private async add(record: TransferRecord): Promise<TransferProgress> {
    await this.journal.save(record);
    this.records.set(record.id, record);
    this.emit(record);
    const queued = this.snapshot(record);
    this.pump();
    return queued;
  }

  // ————— control —————

  /** Pauses a queued or running transfer (a first POST on the wire finishes first). */
  async pause(id: string): Promise<TransferProgress> {
    const record = this.require(id);
    const run = this.running.get(id);
    if (run) {
      this.requestStop(run, 'pause');
      await run.done;
    } else if (record.state === 'queued') {
      this.clearRetry(id);
      await this.setState(record, 'paused');
    }
    return this.snapshot(record);
  }

  /** Puts a paused transfer back in the queue. */
  async resume(id: string): Promise<TransferProgress> {
    const record = this.require(id);
    if (record.state === 'paused') {
      record.autoRetries = 0;
      await this.setState(record, 'queued');
      this.pump();
    }
    return this.snapshot(record);
  }

  /**
   * Cancels a transfer. A chunked send cancelled before its last chunk stays
   * unfinished on MESH and is never delivered. Refused once the last (or
   * only) chunk of a send is on the wire: that cannot be called back.
   */
  async cancel(id: string): Promise<{ cancelled: boolean; reason?: string; progress: TransferProgress }> {
    const record = this.require(id);
    if (record.state === 'done' || record.state === 'cancelled') {
      return { cancelled: false, reason: 'This transfer has already finished.', progress: this.snapshot(record) };
    }
    const run = this.running.get(id);
    if (run && record.kind === 'upload' && record.finalChunkStarted) {
      const reason =
        record.chunkCount === 1
          ? 'It is too late to cancel: the file is already on its way to MESH, and a message sent in one piece cannot be called back.'
          : 'It is too late to cancel: the last part is already on its way to MESH, which delivers the message as soon as it arrives.';
      record.note = reason;
      this.emit(record);
      return { cancelled: false, reason, progress: this.snapshot(record) };
    }
    if (run) {
      this.requestStop(run, 'cancel');
      await run.done;
    } else {
      this.clearRetry(id);
      await this.finishCancel(record);
    }
    const progress = this.snapshot(record);
    return { cancelled: progress.state === 'cancelled', progress };
  }

  /**
   * Tries a failed transfer again. sendAgain: the person checked that a send
   * whose outcome MESH Desktop could not establish did not arrive, and wants
   * it sent again (recorded in the transfer's decisions).
   */
  async retry(id: string, options: { sendAgain?: boolean } = {}): Promise<TransferProgress> {
    const record = this.require(id);
    if (record.state === 'failed' || record.state === 'paused') {
      if (options.sendAgain && record.kind === 'upload') record.sendAgainConfirmed = true;
      record.autoRetries = 0;
      delete record.error;
      this.clearRetry(id);
      await this.setState(record, 'queued');
      this.pump();
    }
    return this.snapshot(record);
  }

  /** Every transfer the journal holds, oldest first. */
  list(): TransferProgress[] {
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((record) => this.snapshot(record));
  }

  /** One transfer's current progress, or undefined. */
  get(id: string): TransferProgress | undefined {
    const record = this.records.get(id);
    return record ? this.snapshot(record) : undefined;
  }

  /** Subscribes to progress; returns the unsubscribe function. */
  onProgress(listener: (progress: TransferProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the transfer's progress once it is paused, failed, done or cancelled. */
  settled(id: string): Promise<TransferProgress> {
    const record = this.require(id);
    if (!isActive(record.state) && !this.running.has(id)) return Promise.resolve(this.snapshot(record));
    return new Promise((resolve) => {
      const stop = this.onProgress((progress) => {
        if (progress.id !== id || isActive(progress.state)) return;
        stop();
        resolve(progress);
      });
    });
  }

  // ————— what mailbox activity asks of the queue —————

  /** The transfer is in the journal. */
  exists(id: string): boolean {
    return this.records.has(id);
  }

  /** The transfer is in the journal and neither done nor cancelled. */
  isUnfinished(id: string): boolean {
    const state = this.records.get(id)?.state;
    return state !== undefined && state !== 'done' && state !== 'cancelled';
  }

  /** Sends of a mailbox that are queued, running, paused or failed (not done), in no particular order. */
  unfinishedUploads(profileId: string): readonly Readonly<UploadRecord>[] {
    const uploads: UploadRecord[] = [];
    for (const record of this.records.values())
      if (record.kind === 'upload' && record.profileId === profileId && record.state !== 'done') uploads.push(record);
    return uploads;
  }

  /** Resolves when no download of the mailbox is queued or running. */
  async downloadsSettled(profileId: string): Promise<void> {
    const active = [...this.records.values()].filter(
      (record) => record.kind === 'download' && record.profileId === profileId && isActive(record.state),
    );
    await Promise.all(active.map((record) => this.settled(record.id)));
  }

  /** Notes on the mailbox's downloads of the message that it was acknowledged (journal, sidecar, progress). */
  async noteAcknowledged(profileId: string, messageId: string, at: string): Promise<void> {
    for (const record of this.records.values()) {
      if (record.kind !== 'download' || record.profileId !== profileId || record.messageId !== messageId || record.acknowledgedAt) continue;
      record.acknowledgedAt = at;
      await this.journal.save(record);
      if (record.savedPath && record.facts && record.verification) {
        await writeSidecar(record.savedPath, buildSidecar(record, record.facts, record.savedPath, record.verification)).catch(
          (error: unknown) =>
            this.log.warn('Could not note the acknowledgement in the sidecar', { transferId: record.id, error: String(error) }),
        );
      }
      this.emit(record);
    }
  }

  // ————— running transfers —————

  private pump(): void {
    if (this.stopping || !this.started) return;
    // Oldest first, found by one pass over the records per free slot: sorting every record (finished ones too) on
    // each call made a batch of 1,000 messages quadratic, and most calls (one per message queued) find no slot free.
    while (this.running.size < this.concurrency) {
      let oldest: TransferRecord | undefined;
      for (const record of this.records.values()) {
        if (record.state !== 'queued' || this.running.has(record.id) || this.retryTimers.has(record.id)) continue;
        // ISO times in one format: comparing them as strings is comparing the times.
        if (!oldest || record.createdAt < oldest.createdAt) oldest = record;
      }
      if (!oldest) return;
      this.startRun(oldest);
    }
  }

  private startRun(record: TransferRecord): void {
    const controller = new AbortController();
    const run: RunningTransfer = { controller, firstPostInFlight: false, done: Promise.resolve() };
    this.running.set(record.id, run);
    const markerBefore = progressMarker(record);
    run.done = (async () => {
      try {
        // Shown, not saved: start() turns a journalled "running" back into "queued", so on disk the two mean the same,
        // and the run's first real step saves the record anyway.
        this.changeState(record, 'running', undefined);
        this.announceState(record);
        this.rates.get(record.id)?.reset();
        let session = this.sessions.get(record.id);
        if (!session) {
          session = { hashedUpTo: 0 };
          this.sessions.set(record.id, session);
        }
        if (record.kind === 'upload') await runUpload(this.uploadContext(record, run), session);
        else {
          await mkdir(record.destinationFolder, { recursive: true }).catch((error: unknown) => {
            throw fileSystemError(error, record.destinationFolder, 'write');
          });
          await runDownload(this.context(record, run), session);
        }
        await this.succeed(record);
      } catch (error) {
        await this.fail(record, run, error, progressMarker(record) > markerBefore);
      } finally {
        this.running.delete(record.id);
        this.live.delete(record.id);
        this.pump();
      }
    })();
  }

  private context<R extends TransferRecord>(record: R, run: RunningTransfer): RunContext<R> {
    return {
      record,
      client: this.clientProxy(record.profileId, run),
      signal: run.controller.signal,
      clock: this.clock,
      log: this.log,
      tempFolder: path.join(this.options.stateFolder, 'tmp', record.id),
      save: async () => {
        record.updatedAt = this.clock().toISOString();
        await this.journal.save(record);
        // Stops asked for while a first POST was on the wire take effect at this safe point.
        if (run.stopReason && !run.controller.signal.aborted && !run.firstPostInFlight) run.controller.abort(run.stopReason);
      },
      setState: async (state, note) => {
        await this.setState(record, state, note);
      },
      showState: (state, note) => {
        this.changeState(record, state, note);
        this.announceState(record);
      },
      progress: (bytesDone, bytesTotal, chunk) => {
        const live: LiveProgress = { bytesDone };
        if (bytesTotal !== undefined) live.bytesTotal = bytesTotal;
        if (chunk) live.chunk = chunk;
        this.live.set(record.id, live);
        // Called for every block a transfer moves, tens of thousands of times per GB: one clock read, and the rate
        // is smoothed only when an event goes out (the estimator is exact for uneven gaps, and no one sees it between).
        const now = this.now();
        if (!this.throttle(record.id).shouldEmit(record.state, now)) return;
        this.rate(record.id).sample(bytesDone, now);
        this.publish(record);
      },
    };
  }

  /** The mailbox's client, with sendChunk watched so a first POST in flight is known. */
  private clientProxy(profileId: string, run: RunningTransfer): TransferClient {
    const get = (): Promise<TransferClient> => Promise.resolve(this.options.clientFor(profileId));
    return {
      handshake: async (options) => (await get()).handshake(options),
      listInbox: async (options) => (await get()).listInbox(options),
      headMessage: async (messageId) => (await get()).headMessage(messageId),
      downloadChunk: async (messageId, k, options) => (await get()).downloadChunk(messageId, k, options),
      acknowledge: async (messageId) => (await get()).acknowledge(messageId),
      track: async (messageId) => (await get()).track(messageId),
      trackByLocalId: async (localId, options) => (await get()).trackByLocalId(localId, options),
      sendChunk: async (request) => {
        const client = await get();
        if (request.k !== 1) return client.sendChunk(request);
        run.firstPostInFlight = true;
        try {
          return await client.sendChunk(request);
        } finally {
          run.firstPostInFlight = false;
        }
      },
    };
  }

  private uploadContext(record: UploadRecord, run: RunningTransfer): UploadContext {
    return {
      ...this.context(record, run),
      // Records queued before the choice was recorded were all sent with a checksum.
      wantChecksum: record.sendChecksum ?? true,
      settleDelayMs: this.options.settleDelayMs ?? 5_000,
      knownMessageIds: async () => {
        const ids = new Set<string>(record.abandonedMessageIds);
        for (const sent of await this.mailbox(record.profileId).sent())
          if (sent.messageId && sent.transferId !== record.id) ids.add(sent.messageId);
        for (const other of this.records.values()) {
          if (other.kind !== 'upload' || other.id === record.id || other.profileId !== record.profileId) continue;
          if (other.messageId) ids.add(other.messageId);
          for (const abandoned of other.abandonedMessageIds) ids.add(abandoned);
        }
        return ids;
      },
      localIdNotFoundTrusted: () => this.localIdTrackingTrusted(record.profileId, run.controller.signal),
    };
  }

  /**
   * Whether MESH's search by local id has been seen to work for this mailbox:
   * recently confirmed, or confirmed now by looking up a message we know this
   * mailbox sent (its "canary").
   */
  private async localIdTrackingTrusted(profileId: string, signal: AbortSignal): Promise<boolean> {
    const store = this.mailbox(profileId);
    const now = this.clock();
    const verifiedAt = (await store.schedule()).localIdTrackingVerifiedAt;
    if (verifiedAt && now.getTime() - new Date(verifiedAt).getTime() < LOCAL_ID_VERIFICATION_VALID_MS) return true;
    const canaries = (await store.sent())
      .filter(
        (sent) =>
          sent.messageId && !sent.messageIdUnknown && sent.sentAt && now.getTime() - new Date(sent.sentAt).getTime() < CANARY_MAX_AGE_MS,
      )
      .slice(0, 2);
    const client = await this.options.clientFor(profileId);
    for (const canary of canaries) {
      try {
        const result = await client.trackByLocalId(canary.localId, { signal });
        const found =
          (result.kind === 'found' && result.tracking.messageId === canary.messageId) ||
          (result.kind === 'several' && (result.messageIds ?? []).includes(canary.messageId as string));
        if (found) {
          await store.updateSchedule({ localIdTrackingVerifiedAt: now.toISOString() });
          return true;
        }
      } catch (error) {
        this.log.warn('Could not check MESH’s search by reference', { profileId, error: toAppError(error).code });
      }
    }
    return false;
  }

  private async succeed(record: TransferRecord): Promise<void> {
    record.autoRetries = 0;
    delete record.error;
    this.sessions.delete(record.id);
    // The sent history and inbox are updated before "done" is announced, so a listener sees them.
    if (record.kind === 'upload') {
      // A send's history line and its "done" are written together, each with its own flush: after a crash either
      // may be on disk without the other, and a restart completes both cases (start() records a done send in the
      // history; a send not yet done runs again from a record that says MESH has it all, and sends nothing).
      this.changeState(record, 'done', record.messageIdUnknown ? 'MESH has the file but did not say its message id.' : undefined);
      await Promise.all([this.recordSent(record), this.journal.save(record)]);
      this.announceFinished(record);
      this.announceState(record);
      this.options.events?.sentChanged?.(record.profileId);
      return;
    }
    // A download's inbox entry goes first: a "done" without it could let the next check download the message again.
    const store = this.mailbox(record.profileId);
    if (record.acknowledgedAt) {
      await store.removeInboxEntry(record.messageId);
    } else {
      await store.updateInboxEntry(record.messageId, (entry) => {
        entry.downloadTransferId = record.id;
        if (record.savedPath) entry.savedPath = record.savedPath;
      });
    }
    await this.setState(record, 'done');
    this.options.events?.inboxChanged?.(record.profileId);
  }

  private async fail(record: TransferRecord, run: RunningTransfer, error: unknown, progressed: boolean): Promise<void> {
    const reason = run.controller.signal.aborted || this.stopping ? (run.stopReason ?? 'shutdown') : undefined;
    if (reason === 'pause') return this.setState(record, 'paused');
    if (reason === 'cancel') return this.finishCancel(record);
    if (reason === 'shutdown') {
      // Left queued so the next start carries on from the journal.
      return this.setState(record, 'queued', 'Will carry on when MESH Desktop starts again.');
    }
    const appError = toAppError(error);
    this.log.warn('Transfer failed', {
      transferId: record.id,
      kind: record.kind,
      code: appError.code,
      detail: appError.detail,
      transient: appError.transient,
    });
    if (progressed) record.autoRetries = 0;
    record.error = appError.toShape();
    const delay = this.retryDelaysMs[record.autoRetries];
    if (appError.transient && delay !== undefined) {
      record.autoRetries += 1;
      const seconds = Math.max(1, Math.round(delay / 1000));
      await this.setState(record, 'queued', `${appError.message} Trying again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
      const timer = setTimeout(() => {
        this.retryTimers.delete(record.id);
        this.pump();
      }, delay);
      timer.unref();
      this.retryTimers.set(record.id, timer);
      return;
    }
    await this.setState(record, 'failed', appError.message);
  }

  private async finishCancel(record: TransferRecord): Promise<void> {
    let note: string | undefined;
    if (record.kind === 'download') {
      await rm(record.partPath, { force: true }).catch(() => {});
      note = record.savedPath
        ? 'Cancelled after the file was saved; it was not acknowledged.'
        : 'Cancelled; the message stays in the inbox.';
    } else {
      await rm(path.join(this.options.stateFolder, 'tmp', record.id), { recursive: true, force: true }).catch(() => {});
      if (record.finalChunkStarted) {
        note = 'Cancelled, but MESH may already have delivered the file: the last part had been sent.';
      } else if (record.messageId && record.chunkCount > 1) {
        note = `Cancelled. MESH holds an unfinished copy (message ${record.messageId}) that will never be delivered.`;
      } else if (record.firstPostIntent) {
        note = 'Cancelled. Any copy MESH may have received is unfinished and will never be delivered.';
      } else {
        note = 'Cancelled before anything was sent.';
      }
    }
    this.sessions.delete(record.id);
    await this.setState(record, 'cancelled', note);
  }

  private async recordSent(record: UploadRecord): Promise<void> {
    const store = this.mailbox(record.profileId);
    const existing = await store.sentRecord(record.id);
    const sent: SentRecord = {
      ...(existing ?? {}),
      transferId: record.id,
      profileId: record.profileId,
      localId: record.localId,
      appLocalId: record.appLocalId,
      to: record.to,
      workflowId: record.workflowId,
      fileName: record.fileName,
      filePath: record.filePath,
      size: record.fileSize,
      queuedAt: record.createdAt,
    };
    if (record.messageId) sent.messageId = record.messageId;
    if (record.subject !== undefined) sent.subject = record.subject;
    if (record.checksum !== undefined) sent.checksum = record.checksum;
    if (record.sentAt !== undefined) sent.sentAt = record.sentAt;
    if (record.recipientName) sent.recipientName = record.recipientName;
    if (record.messageIdUnknown) sent.messageIdUnknown = true;
    const lastDecision = record.decisions[record.decisions.length - 1];
    if (lastDecision) sent.outcomeNote = lastDecision.reason;
    if (existing && JSON.stringify(existing) === JSON.stringify(sent)) return;
    await store.upsertSent(sent);
  }

  // ————— state and progress —————

  private async setState(record: TransferRecord, state: TransferState, note?: string): Promise<void> {
    this.changeState(record, state, note);
    await this.journal.save(record);
    if (state === 'done' || state === 'failed' || state === 'cancelled') this.announceFinished(record);
    this.announceState(record);
  }

  private announceFinished(record: TransferRecord): void {
    try {
      this.options.events?.finished?.(structuredClone(record));
    } catch (error) {
      this.log.warn('The finished-transfer handler failed', { error: String(error) });
    }
  }

  private changeState(record: TransferRecord, state: TransferState, note: string | undefined): void {
    record.state = state;
    if (note === undefined) delete record.note;
    else record.note = note;
    if (state !== 'failed' && state !== 'queued') delete record.error;
    record.updatedAt = this.clock().toISOString();
  }

  private announceState(record: TransferRecord): void {
    if (!isActive(record.state)) this.rates.get(record.id)?.reset();
    this.emit(record);
  }

  private requestStop(run: RunningTransfer, reason: StopReason): void {
    run.stopReason ??= reason;
    if (reason === 'cancel') run.stopReason = 'cancel';
    if (!run.firstPostInFlight) run.controller.abort(run.stopReason);
  }

  private clearRetry(id: string): void {
    const timer = this.retryTimers.get(id);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(id);
  }

  private rate(id: string): RateEstimator {
    let rate = this.rates.get(id);
    if (!rate) {
      rate = new RateEstimator();
      this.rates.set(id, rate);
    }
    return rate;
  }

  private throttle(id: string): ProgressThrottle {
    let throttle = this.throttles.get(id);
    if (!throttle) {
      throttle = new ProgressThrottle(this.options.progressIntervalMs);
      this.throttles.set(id, throttle);
    }
    return throttle;
  }

  /** Publishes a change of state at once (the throttle notes it, so the next byte count waits its turn). */
  private emit(record: TransferRecord): void {
    this.throttle(record.id).shouldEmit(record.state, this.now(), true);
    this.publish(record);
  }

  /** Sends the record's progress to every listener. */
  private publish(record: TransferRecord): void {
    const progress = this.snapshot(record);
    for (const listener of this.listeners) {
      try {
        listener(progress);
      } catch (error) {
        this.log.warn('A progress listener failed', { error: String(error) });
      }
    }
    try {
      this.options.events?.progress?.(progress);
    } catch (error) {
      this.log.warn('The progress event handler failed', { error: String(error) });
    }
  }

  private snapshot(record: TransferRecord): TransferProgress {
    const live = this.live.get(record.id);
    const running = isActive(record.state) && this.running.has(record.id);
    const progress: TransferProgress = {
      id: record.id,
      kind: record.kind,
      profileId: record.profileId,
      state: record.state,
      name:
        record.kind === 'upload'
          ? record.fileName
          : record.savedPath
            ? path.basename(record.savedPath)
            : safeFileName(record.saveAs ?? record.facts?.fileName, record.messageId),
      bytesDone: 0,
      cancellable:
        record.state !== 'done' && record.state !== 'cancelled' && !(record.kind === 'upload' && record.finalChunkStarted && running),
    };
    if (record.kind === 'upload') {
      progress.bytesTotal = record.fileSize;
      progress.bytesDone = live && running ? live.bytesDone : record.sentAt ? record.fileSize : confirmedBytes(record);
      progress.chunk = live?.chunk ?? {
        k: Math.min(record.chunkCount, record.chunksConfirmed + (record.sentAt ? 0 : 1)),
        n: record.chunkCount,
      };
      if (record.messageId) progress.messageId = record.messageId;
      progress.counterpart = record.recipientName ? `${record.recipientName} (${record.to})` : record.to;
    } else {
      progress.messageId = record.messageId;
      if (record.facts?.from) progress.counterpart = record.facts.from;
      progress.bytesDone = live && running ? live.bytesDone : record.bytesDone;
      const total = live?.bytesTotal ?? record.verification?.bytes ?? record.expectedBytes;
      if (total !== undefined) progress.bytesTotal = total;
      if (live?.chunk) progress.chunk = live.chunk;
      else if (record.facts)
        progress.chunk = {
          k: Math.min(record.facts.chunkCount, record.chunksDone + (record.verification ? 0 : 1)),
          n: record.facts.chunkCount,
        };
      if (record.savedPath) progress.savedPath = record.savedPath;
    }
    if (running && record.state === 'running') {
      const rate = this.rates.get(record.id)?.current;
      if (rate !== undefined) {
        progress.rate = rate;
        const left = secondsLeft(progress.bytesDone, progress.bytesTotal, rate);
        if (left !== undefined) progress.secondsLeft = left;
      }
    }
    if (record.note) progress.note = record.note;
    if (record.error) progress.error = record.error;
    return progress;
  }

  // ————— helpers —————

  private mailbox(profileId: string): MailboxStore {
    return this.stores.get(profileId);
  }

  private require(id: string): TransferRecord {
    const record = this.records.get(id);
    if (!record) throw new AppError({ code: 'invalid-argument', message: 'That transfer no longer exists.', detail: `transfer ${id}` });
    return record;
  }

  private assertOpen(): void {
    if (this.stopping) throw new AppError({ code: 'cancelled', message: 'MESH Desktop is closing; try again after it restarts.' });
  }
}
