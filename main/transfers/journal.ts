/**
 * The transfer journal: what each transfer has done, kept so that a crash or
 * a power cut at any moment loses nothing and sends nothing twice.
 *
 * Each save appends the whole record as one line to <stateFolder>/journal/
 * changes.jsonl and resolves once that line is flushed. Saves asked for while
 * a flush is on its way share the next one (group commit, AppendLog), so
 * three transfers at once pay one flush between them, where a file per save
 * paid two flushes and a rename each: 1,000 small sends wrote 4,000 files.
 *
 * The log is folded into one small JSON file per transfer (<id>.json,
 * written atomically: temp file, flush, rename, flush of the folder) when it
 * passes COMPACT_AT_BYTES, when the journal is loaded and when it is flushed
 * at shutdown, then emptied. So each transfer's file is written about once
 * however often it was saved, a clean exit leaves only the files (what an
 * older version reads), and recovery reads the files and then replays the
 * log over them: the last line for a transfer wins. A crash mid-fold leaves
 * lines whose records are already in their files, and replaying a line onto
 * a record that has it changes nothing. A torn last line was never
 * acknowledged (its save had not resolved), so it is dropped.
 *
 * Safety rules the engine follows with it: "about to POST chunk 1" is saved
 * (and flushed) before the POST starts; a download's chunk is recorded only
 * after the partial file has been flushed to disk.
 */
import { link, open, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { fileSystemError } from '../mesh/file-io';
import { AppendLog } from '../shared/append-log';
import { exists, isTemporaryName, writeFileAtomic } from '../shared/durable-file';
import { sameFile } from './file-placement';
import { TRANSFER_ID_PATTERN, transferRecordSchema, type TransferRecord } from './types';

const RECORD_SUFFIX = '.json';
/** The log of saves not yet folded into the records' files. Not a record's name: ids cannot hold a dot. */
const CHANGES_NAME = 'changes.jsonl';
/**
 * A log this large is folded into the records' files. Bigger saves more (a transfer saved in the window is written
 * to its file once, whatever its count of saves) but makes saves wait longer while the fold runs: at about 2 KB
 * a line, 1 MiB is some 500 saves, a few hundred files.
 */
export const COMPACT_AT_BYTES = 1024 * 1024;
/** Record files written at once by a fold: enough to keep the disk busy, few enough to stay clear of open-file limits. */
const FOLD_PARALLEL = 8;
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
  return checkJournalRecord(raw, id);
}

/** Checks a parsed record (from a file or a line of the log) against the schema the journal writes. */
export function checkJournalRecord(raw: unknown, id: string): ParsedRecord {
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

/** One line of the log: a record's whole new state, or that it is gone. */
type Change = { save: unknown } | { removed: string };

/** What replaying the log's lines over the records from their files leaves. */
export interface Replayed {
  /** Each transfer's newest state the log holds: its record, or null when it was removed. */
  latest: Map<string, TransferRecord | null>;
  /** Transfers whose last line does not fit the schema: their state is not known, so none is used. */
  damaged: Map<string, { text: string; problem: string }>;
  /** Fields the schema dropped, by transfer (a newer version wrote them). */
  unknownFields: Map<string, string[]>;
  /** Lines that name no transfer: damage from outside the app. */
  unreadableLines: number;
}

/** Replays the log's entries in order: for each transfer, the last line wins. */
export function replayChanges(entries: readonly unknown[], unreadableLines = 0): Replayed {
  const replayed: Replayed = { latest: new Map(), damaged: new Map(), unknownFields: new Map(), unreadableLines };
  for (const entry of entries) {
    if (isPlainObject(entry) && typeof entry.removed === 'string' && TRANSFER_ID_PATTERN.test(entry.removed)) {
      replayed.latest.set(entry.removed, null);
      replayed.damaged.delete(entry.removed);
      continue;
    }
    const raw = isPlainObject(entry) ? entry.save : undefined;
    const id = isPlainObject(raw) ? raw.id : undefined;
    if (typeof id !== 'string' || !TRANSFER_ID_PATTERN.test(id)) {
      replayed.unreadableLines += 1;
      continue;
    }
    const checked = checkJournalRecord(raw, id);
    if (checked.ok) {
      replayed.latest.set(id, checked.record);
      replayed.damaged.delete(id);
      if (checked.unknownFields.length > 0) replayed.unknownFields.set(id, checked.unknownFields);
      else replayed.unknownFields.delete(id);
    } else {
      replayed.latest.delete(id);
      replayed.damaged.set(id, { text: JSON.stringify(raw), problem: checked.problem });
    }
  }
  return replayed;
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

/** Persistent store of transfer records: a log of saves, folded into one atomic file per record. */
export class TransferJournal {
  private readonly folder: string;
  private readonly changes: AppendLog;
  /** Saves in the log not yet folded into their files: each transfer's newest JSON, or null when it was removed. */
  private unfolded = new Map<string, string | null>();

  private readonly compactAtBytes: number;

  constructor(
    stateFolder: string,
    private readonly log: Logger,
    options: { compactAtBytes?: number } = {},
  ) {
    this.compactAtBytes = options.compactAtBytes ?? COMPACT_AT_BYTES;
    this.folder = path.join(stateFolder, 'journal');
    this.changes = new AppendLog(path.join(this.folder, CHANGES_NAME));
  }

  private fileFor(id: string): string {
    // Ids are UUIDs we generate; refuse anything else so a record can never name a path.
    if (!TRANSFER_ID_PATTERN.test(id)) throw new Error(`invalid transfer id ${id}`);
    return path.join(this.folder, `${id}${RECORD_SUFFIX}`);
  }

  /** Durably saves the record (resolves once it is on disk). */
  async save(record: TransferRecord): Promise<void> {
    this.fileFor(record.id);
    // The JSON is the snapshot: later changes to the object are not this save's.
    const json = JSON.stringify(record);
    this.unfolded.set(record.id, json);
    await this.append(`{"save":${json}}`);
  }

  /** Forgets a transfer. */
  async remove(id: string): Promise<void> {
    this.fileFor(id);
    this.unfolded.set(id, null);
    await this.append(JSON.stringify({ removed: id } satisfies Change));
  }

  private async append(line: string): Promise<void> {
    try {
      await this.changes.appendJson(line);
    } catch (error) {
      throw fileSystemError(error, this.changes.file, 'write');
    }
    if (this.changes.bytes >= this.compactAtBytes && !this.changes.compacting) {
      // Not awaited: this save is on disk already. A fold that fails leaves the log as it is, to be tried again.
      this.fold().catch((error: unknown) =>
        this.log.warn('Could not fold the transfer journal into its files; its log is kept and read at the next start', {
          error: (error as NodeJS.ErrnoException).code ?? String(error),
        }),
      );
    }
  }

  /**
   * Writes each transfer saved since the last fold to its own file and then empties the log. Saves asked for
   * meanwhile wait for it, and go into the next log.
   */
  private fold(beforeEmptying?: () => Promise<void>): Promise<void> {
    return this.changes.compact(async () => {
      const batch = [...this.unfolded];
      this.unfolded = new Map();
      try {
        for (let i = 0; i < batch.length; i += FOLD_PARALLEL) {
          await Promise.all(
            batch
              .slice(i, i + FOLD_PARALLEL)
              .map(([id, json]) => (json === null ? rm(this.fileFor(id), { force: true }) : writeFileAtomic(this.fileFor(id), json))),
          );
        }
        await beforeEmptying?.();
      } catch (error) {
        // Not written after all: they stay for the next fold, under any newer save made since.
        for (const [id, json] of batch) if (!this.unfolded.has(id)) this.unfolded.set(id, json);
        throw error;
      }
    });
  }

  /**
   * Every usable record on disk, oldest first: the records' files with the log replayed over them, which is then
   * folded into the files. A file or a log line that does not hold a usable record (unparseable, or not fitting
   * the schema the journal writes) is logged and set aside under a name of its own, never silently dropped and
   * never allowed to stop the others from loading.
   */
  async loadAll(): Promise<JournalContents> {
    await this.changes.idle();
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], setAside: [] };
      throw error;
    }
    const byId = new Map<string, TransferRecord>();
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
        this.warnUnknownFields(file, parsed.unknownFields);
        byId.set(parsed.record.id, parsed.record);
      } else {
        setAside.push(await this.setAside(file, parsed.problem));
      }
    }
    const contents = await this.changes.read();
    const replayed = replayChanges(contents.entries, contents.unreadableLines);
    if (contents.tornTail) this.log.info('The transfer journal’s last save was cut short by a stop; it had not been confirmed');
    this.unfolded = new Map();
    for (const [id, record] of replayed.latest) {
      this.unfolded.set(id, record && JSON.stringify(record));
      if (record === null) byId.delete(id);
      else byId.set(id, record);
      this.warnUnknownFields(this.changes.file, replayed.unknownFields.get(id) ?? []);
    }
    for (const [id, { text, problem }] of replayed.damaged) {
      byId.delete(id);
      setAside.push(await this.setAsideLine(id, text, problem));
    }
    if (replayed.unreadableLines > 0) {
      this.log.error('Lines of the transfer journal’s log could not be read; the log is kept beside it', {
        lines: replayed.unreadableLines,
      });
    }
    if (contents.bytes > 0) {
      let logAside: SetAsideRecord | undefined;
      // A log with damaged lines is kept beside the journal, not emptied (compact() then finds no log to remove).
      const keepLog =
        replayed.unreadableLines > 0
          ? async () => {
              logAside = await this.setAside(this.changes.file, `${replayed.unreadableLines} of its lines could not be read`);
            }
          : undefined;
      try {
        await this.fold(keepLog);
      } catch (error) {
        // Appending after a torn line would glue the next save onto it: nothing more is saved until this works.
        throw fileSystemError(error, this.changes.file, 'write');
      }
      if (logAside) setAside.push(logAside);
    }
    const records = [...byId.values()];
    return { records: records.sort((a, b) => a.createdAt.localeCompare(b.createdAt)), setAside };
  }

  private warnUnknownFields(file: string, fields: readonly string[]): void {
    if (fields.length === 0) return;
    // Most likely written by a newer version: carry on with what this one understands.
    this.log.warn('Transfer journal record has fields this version does not know; they are ignored', { file, fields });
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

  /**
   * A transfer whose newest line does not fit: its older file is no guide to where it got to, so both are set
   * aside, the file first and then the line, written out where the file was.
   */
  private async setAsideLine(id: string, text: string, problem: string): Promise<SetAsideRecord> {
    const file = this.fileFor(id);
    this.unfolded.delete(id);
    const older = (await exists(file))
      ? await this.setAside(file, 'an older state of a record whose newest save could not be used')
      : undefined;
    try {
      await writeFileAtomic(file, text);
    } catch (error) {
      this.log.error('Transfer journal line could not be set aside; the record is skipped', {
        file,
        problem,
        writeError: (error as NodeJS.ErrnoException).code ?? String(error),
      });
      return older?.movedTo ? { file, movedTo: older.movedTo, problem } : { file, problem };
    }
    return this.setAside(file, `its newest save in the log is ${problem}`);
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

  /** Resolves when every pending write has reached the disk and the log is folded into the records' files. */
  async flush(): Promise<void> {
    await this.changes.idle();
    if (this.unfolded.size > 0) await this.fold();
  }
}
