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
import { link, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { fileSystemError } from '../mesh/file-io';
import { isTemporaryName, WriteQueue, writeJsonAtomic } from '../shared/durable-file';
import { sameFile } from './file-placement';
import { TRANSFER_ID_PATTERN, transferRecordSchema, type TransferRecord } from './types';

const RECORD_SUFFIX = '.json';
const SET_ASIDE_SUFFIX = '.unreadable';

/** Most numbered names tried for one set-aside record before giving up and leaving it where it is. */
const MAX_SET_ASIDE_NAMES = 1000;

/** Errors that mean "this file system cannot hard-link" (as in file-placement.ts). */
const NO_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EINVAL']);

/** A journal file that did not hold a usable record, and where it went. */
export interface SetAsideRecord {
  /** Where the record was. */
  file: string;
  /** Where it is now; absent when it could not be moved (it stays where it was and is skipped). */
  movedTo?: string;
  /** What was wrong, for the log: field names and types, never the record's values. */
  problem: string;
}

/** What loading the journal found. */
export interface JournalContents {
  /** Usable records, oldest first. */
  records: TransferRecord[];
  setAside: SetAsideRecord[];
}

/** The outcome of reading one journal file's text. */
export type ParsedRecord = { ok: true; record: TransferRecord; unknownFields: string[] } | { ok: false; problem: string };

/** The name the nth set-aside copy of a journal file gets: "x.json.unreadable", then "x.json.1.unreadable"… */
export function setAsideName(name: string, n: number): string {
  return n === 0 ? `${name}${SET_ASIDE_SUFFIX}` : `${name}.${n}${SET_ASIDE_SUFFIX}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths of the fields in raw that the schema dropped from parsed ("facts.extra", "decisions.0.extra"). */
export function unknownFields(raw: unknown, parsed: unknown, prefix = ''): string[] {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    return raw.flatMap((item, index) => unknownFields(item, parsed[index], `${prefix}${index}.`));
  }
  if (!isPlainObject(raw) || !isPlainObject(parsed)) return [];
  return Object.keys(raw).flatMap((key) =>
    key in parsed ? unknownFields(raw[key], parsed[key], `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/**
 * Checks one journal file's text against the schema the journal writes.
 * `id` is the file's name without ".json": a record naming another file would
 * be saved there next time and leave this one behind for ever.
 */
export function parseJournalRecord(text: string, id: string): ParsedRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text it choked on, which may be a patient's file name: only the length goes to the log.
    return { ok: false, problem: `not valid JSON (${text.length} characters)` };
  }
  const parsed = transferRecordSchema.safeParse(raw);
  if (!parsed.success) {
    // zod's messages name the field and the expected type, never the value found.
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : '';
    return { ok: false, problem: `not a transfer record: ${issues.join('; ')}${more}` };
  }
  if (parsed.data.id !== id) return { ok: false, problem: "the record's id does not match its file name" };
  return { ok: true, record: parsed.data, unknownFields: unknownFields(raw, parsed.data) };
}

/**
 * Moves file to the first free set-aside name beside it, never replacing an
 * earlier one: a hard link takes the name only if it is free (atomically),
 * then the old name goes. Where hard links are not supported the name is
 * reserved with an exclusive create and the file renamed onto it.
 */
export async function moveAside(file: string): Promise<string> {
  const folder = path.dirname(file);
  const name = path.basename(file);
  for (let n = 0; n < MAX_SET_ASIDE_NAMES; n++) {
    const candidate = path.join(folder, setAsideName(name, n));
    try {
      await link(file, candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') {
        // A crash between link and unlink last time left this very file under the name: finish that move.
        if (!(await sameFile(file, candidate))) continue;
      } else if (NO_LINK_CODES.has(code)) {
        try {
          await (await open(candidate, 'wx')).close();
        } catch (reserveError) {
          if ((reserveError as NodeJS.ErrnoException).code === 'EEXIST') continue;
          throw reserveError;
        }
        await rename(file, candidate);
        return candidate;
      } else {
        throw error;
      }
    }
    await unlink(file);
    return candidate;
  }
  throw Object.assign(new Error(`no free set-aside name for ${name}`), { code: 'EEXIST' });
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
    if (!TRANSFER_ID_PATTERN.test(id)) throw new Error(`invalid transfer id ${id}`);
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

  /**
   * Every usable record on disk, oldest first. A file that does not hold one
   * (unparseable, or not fitting the schema the journal writes) is logged and
   * set aside under a name of its own, never silently dropped and never
   * allowed to stop the others from loading.
   */
  async loadAll(): Promise<JournalContents> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], setAside: [] };
      throw error;
    }
    const records: TransferRecord[] = [];
    const setAside: SetAsideRecord[] = [];
    for (const name of names) {
      const file = path.join(this.folder, name);
      if (isTemporaryName(name)) {
        // A temp file left by a crash mid-write: the rename never happened, so the old record stands.
        await rm(file, { force: true });
        continue;
      }
      if (!name.endsWith(RECORD_SUFFIX)) continue;
      const parsed = await this.readRecord(file, name.slice(0, -RECORD_SUFFIX.length));
      if (!parsed) continue;
      if (parsed.ok) {
        if (parsed.unknownFields.length > 0) {
          // Most likely written by a newer version: carry on with what this one understands.
          this.log.warn('Transfer journal record has fields this version does not know; they are ignored', {
            file,
            fields: parsed.unknownFields,
          });
        }
        records.push(parsed.record);
      } else {
        setAside.push(await this.setAside(file, parsed.problem));
      }
    }
    return { records: records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)), setAside };
  }

  /** The parsed file, or undefined when it has gone since the folder was listed. */
  private async readRecord(file: string, id: string): Promise<ParsedRecord | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      return { ok: false, problem: `could not be read (${code ?? 'unknown error'})` };
    }
    return parseJournalRecord(text, id);
  }

  private async setAside(file: string, problem: string): Promise<SetAsideRecord> {
    try {
      const movedTo = await moveAside(file);
      this.log.warn('Transfer journal record set aside', { file, movedTo, problem });
      return { file, movedTo, problem };
    } catch (error) {
      this.log.error('Transfer journal record could not be read or set aside; it is skipped', {
        file,
        problem,
        moveError: (error as NodeJS.ErrnoException).code ?? String(error),
      });
      return { file, problem };
    }
  }

  /** Resolves when every pending write has reached the disk. */
  async flush(): Promise<void> {
    await this.writes.idle();
  }
}
