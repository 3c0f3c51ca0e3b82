/**
 * Where the sandbox keeps message records and chunk bodies. The in-memory
 * index in the mailroom is the source of truth while running; a store makes
 * records and bodies durable (disk) or simply holds the bodies (memory).
 */
import type { Readable } from 'node:stream';
import type { StoredMessage } from '../types';

export interface MessageStore {
  /** Every record saved earlier (empty for a fresh store). */
  loadMessages(): Promise<StoredMessage[]>;
  /** Writes a record, replacing the previous one atomically. */
  saveMessage(message: StoredMessage): Promise<void>;
  /** Streams a chunk body in and resolves with its size once stored; replaces an earlier copy. */
  writeChunk(messageId: string, chunkNumber: number, source: Readable): Promise<number>;
  /** A stream of a stored chunk body, or undefined when that chunk was never stored. */
  openChunk(messageId: string, chunkNumber: number): Promise<Readable | undefined>;
  /** Removes a record and its chunk bodies. */
  deleteMessage(messageId: string): Promise<void>;
  /** Removes everything. */
  clear(): Promise<void>;
}
