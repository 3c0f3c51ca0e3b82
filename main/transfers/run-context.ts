/**
 * What a running transfer gets from the engine: the MESH client, its journal
 * record (mutated in place, saved with save()), a cancel signal, the clock
 * and a way to report progress.
 */
import type { DownloadedChunk, ListInboxOptions, SendChunkRequest } from '../mesh/client';
import type { MessageMetadata } from '../mesh/headers';
import type { LocalIdTrackingResult } from '../mesh/local-id-tracking';
import type { InboxPage, TrackingInfo } from '../mesh/responses';
import type { Logger } from '../log/logger';
import { AppError } from '../shared/errors';
import type { TransferRecord, TransferState } from './types';

/**
 * The MESH operations the engine uses. MeshTransferClient (main/mesh/
 * local-id-tracking.ts) provides all of them; MeshClient all but
 * trackByLocalId.
 */
export interface TransferClient {
  handshake(options?: { signal?: AbortSignal }): Promise<void>;
  listInbox(options?: ListInboxOptions): Promise<InboxPage>;
  headMessage(messageId: string): Promise<MessageMetadata>;
  downloadChunk(messageId: string, k: number, options?: { signal?: AbortSignal }): Promise<DownloadedChunk>;
  acknowledge(messageId: string): Promise<void>;
  sendChunk(request: SendChunkRequest): Promise<string>;
  track(messageId: string): Promise<TrackingInfo>;
  trackByLocalId(localId: string, options?: { signal?: AbortSignal }): Promise<LocalIdTrackingResult>;
}

export interface RunContext<R extends TransferRecord> {
  record: R;
  client: TransferClient;
  /** Aborts on pause, cancel and shutdown. */
  signal: AbortSignal;
  clock: () => Date;
  log: Logger;
  /** Durably saves record. */
  save(): Promise<void>;
  /** Changes the visible state (saved and reported at once). */
  setState(state: TransferState, note?: string): Promise<void>;
  /**
   * Changes the visible state at once and leaves it to the next save: for a step that saves straight after, when
   * a restart would not care (running and verifying resume alike). Each save is a flushed write of the journal.
   */
  showState(state: TransferState, note?: string): void;
  /** Reports bytes moved so far (throttled by the engine). */
  progress(bytesDone: number, bytesTotal: number | undefined, chunk?: { k: number; n: number }): void;
  /** A private folder for this transfer's temporary files (compressed chunks). */
  tempFolder: string;
}

/** The error to throw when the signal aborted, keeping its reason (pause, cancel, shutdown). */
export function abortedError(signal: AbortSignal): AppError {
  return new AppError({ code: 'cancelled', message: 'The transfer was stopped.', detail: `aborted: ${String(signal.reason)}` });
}

/** Throws if the signal has aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortedError(signal);
}
