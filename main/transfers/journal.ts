/**
 * The transfer journal: one small JSON file per transfer under
 * <stateFolder>/journal/, each update written atomically (temp file, fsync,
 * rename, fsync of the folder).
 *
 * Why whole-record snapshots rather than an append-only log: a record is a
 * few kilobytes and changes at most once per chunk (every 5–95 MiB) plus a
 * handful of times per transfer, so rewriting it costs two fsyncs per chunk —
 * nothing next to the network. In exchange recovery is trivial (read each
 * file; a rename is all-or-nothing, a torn temp file is ignored), there is
 * no torn tail to detect and no compaction, and concurrent transfers never
 * share a file, a lock or an fsync. An append-only log would save one fsync
 * per update and buy all of that complexity.
 *
 * Safety rules the engine follows with it: "about to POST chunk 1" is saved
 * (and flushed) before the POST starts; a download's chunk is recorded only
 * after the partial file has been flushed to disk.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { fileSystemError } from '../mesh/file-io';
import { WriteQueue, readJson, writeJsonAtomic } from './atomic-json';
import type { TransferRecord } from './types';

const RECORD_SUFFIX = '.json';

function isTransferRecord(value: unknown): value is TransferRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<TransferRecord>;
  return (
    typeof record.id === 'string' &&
    (record.kind === 'upload' || record.kind === 'download') &&
    typeof record.profileId === 'string' &&
    typeof record.state === 'string'
  );
}

/** Persistent store of transfer records, one atomic file each. */
export class TransferJournal {
  private readonly folder: string;
  private readonly writes = new WriteQueue();

  constructor(
    stateFolder: string,
    private readonly log: Logger,
  ) {
    this.folder = path.join(stateFolder, 'journal');
  }

  private fileFor(id: string): string {
    // Ids are UUIDs we generate; refuse anything else so a record can never name a path.
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw new Error(`invalid transfer id ${id}`);
    return path.join(this.folder, `${id}${RECORD_SUFFIX}`);
  }

  /** Durably saves the record (resolves once it is on disk). */
  async save(record: TransferRecord): Promise<void> {
    const snapshot = structuredClone(record);
    const file = this.fileFor(record.id);
    try {
      await this.writes.run(record.id, () => writeJsonAtomic(file, snapshot));
    } catch (error) {
      throw fileSystemError(error, file, 'write');
    }
  }

  /** Forgets a transfer. */
  async remove(id: string): Promise<void> {
    const file = this.fileFor(id);
    await this.writes.run(id, () => rm(file, { force: true }));
  }

  /** Every record on disk. Unreadable files are logged and set aside, never silently dropped. */
  async loadAll(): Promise<TransferRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const records: TransferRecord[] = [];
    for (const name of names) {
      const file = path.join(this.folder, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        // A temp file left by a crash mid-write: the rename never happened, so the old record stands.
        await rm(file, { force: true });
        continue;
      }
      if (!name.endsWith(RECORD_SUFFIX)) continue;
      try {
        const value = await readJson(file);
        if (isTransferRecord(value)) records.push(value);
        else throw new Error('not a transfer record');
      } catch (error) {
        this.log.error('Unreadable transfer journal record set aside', { file, error: String(error) });
        await rm(`${file}.unreadable`, { force: true });
        await rename(file, `${file}.unreadable`).catch(() => {});
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Resolves when every pending write has reached the disk. */
  async flush(): Promise<void> {
    await this.writes.idle();
  }
}
