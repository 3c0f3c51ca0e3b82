/**
 * The audit trail on disk: a folder of JSON Lines files, one entry a line,
 * each chained to the one before, and `head.json` naming the last entry.
 *
 *   audit-2026-03-001.jsonl   entries written in March 2026 (UTC)
 *   audit-2026-03-002.jsonl   …continued once the first reached its size limit
 *   audit-2026-04-001.jsonl   a new month starts a new file; the chain carries on
 *   head.json                 { seq, hash } of the last entry written
 *
 * An entry is written in one `write` of line + newline and flushed before the
 * head is replaced, so a crash leaves at most a torn last line and a head one
 * entry behind; the next append finds the torn line, removes it, and records
 * that it did (an `audit-repaired` entry), so the chain is never shortened in
 * silence. An append never papers over a break: when the files stop before the
 * recorded head, the new entry follows the head, and verify reports the gap.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, readdir, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../shared/durable-file';
import { canonicalJson, entryHash } from './canonical';
import {
  checkLine,
  splitLines,
  verifyChain,
  type AuditFileText,
  type AuditHead,
  type LineCheck,
  type LineChecker,
  type LocatedEntry,
  type VerifyReport,
} from './chain';
import {
  AUDIT_FORMAT_VERSION,
  GENESIS_HASH,
  auditActorSchema,
  auditFactsSchema,
  localTimestamp,
  type AuditActor,
  type AuditEntry,
  type AuditFacts,
} from './entry';
import { acquireLock } from './lock';

const FILE_PATTERN = /^audit-(\d{4})-(\d{2})-(\d{3})\.jsonl$/;
const HEAD_FILE = 'head.json';
const LOCK_FILE = '.lock';
/** No entry comes near this (the schema caps every field); the tail read looks this far back. */
const TAIL_BYTES = 256 * 1024;

export interface AuditTrailOptions {
  /** The trail's folder (default inside the data folder: `<data folder>/audit`). */
  folder: string;
  /** A file is continued in a new one once it reaches this size (default 8 MiB). */
  maxFileBytes?: number;
  clock?: () => Date;
  /** The computer's time zone name (tests fix it). */
  zone?: string;
  /** How long an append waits for another process's append (default 10 s). */
  lockTimeoutMs?: number;
}

/** Where the trail of a data folder lives unless IT says otherwise. */
export function auditFolder(dataFolder: string): string {
  return path.join(dataFolder, 'audit');
}

/** The trail's file names in order. */
export function auditFileName(year: number, month: number, part: number): string {
  return `audit-${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(part).padStart(3, '0')}.jsonl`;
}

interface Tail {
  seq: number;
  hash: string;
}

/** The append-only, hash-chained record of what was done through MESH from this computer. */
export class AuditTrail {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: () => Date;
  private readonly zone: string;
  private readonly maxFileBytes: number;
  /**
   * How each file's lines checked, against a SHA-256 of the exact bytes they were read from: a later read whose
   * file starts with those same bytes (the trail only grows between two reads) checks only the lines after them.
   * The same bytes always check the same way, so this changes how long a read takes, never what it finds.
   */
  private checkedBefore = new Map<string, CheckedFile>();

  constructor(private readonly options: AuditTrailOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.zone = options.zone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    this.maxFileBytes = options.maxFileBytes ?? 8 * 1024 * 1024;
  }

  get folder(): string {
    return this.options.folder;
  }

  /**
   * Appends one entry (after repairing a torn last line, if a crash left one) and returns it. Entries of one
   * process are written in call order; other processes wait on the lock file.
   */
  append(facts: AuditFacts, actor: AuditActor): Promise<AuditEntry> {
    const checkedFacts = auditFactsSchema.parse(facts);
    const checkedActor = auditActorSchema.parse(actor);
    const run = this.queue.then(() => this.appendLocked(checkedFacts, checkedActor));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Checks the whole trail. */
  async verify(): Promise<VerifyReport> {
    const { files, head, check } = await this.readChecked();
    return verifyChain(files, head, check);
  }

  /** Every entry that reads back as one, in order, with the verification of the whole trail. */
  async read(): Promise<{ entries: LocatedEntry[]; report: VerifyReport }> {
    const { files, head, check } = await this.readChecked();
    const report = verifyChain(files, head, check);
    const entries: LocatedEntry[] = [];
    files.forEach((file, fileIndex) => {
      const { lines } = splitLines(file.text);
      lines.forEach((line, index) => {
        const checked = check(fileIndex, index, line);
        if (checked.ok) entries.push({ entry: checked.entry, file: file.name, line: index + 1 });
      });
    });
    return { entries, report };
  }

  /**
   * Removes whole files whose every entry is older than `before` (never the file being written), and records in
   * the trail itself what was removed, summarised by its last hash, so verify still accepts where the trail now
   * starts. Returns how many entries went.
   */
  prune(before: Date, actor: AuditActor): Promise<number> {
    const run = this.queue.then(() => this.pruneLocked(before, auditActorSchema.parse(actor)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ————— inside the lock —————

  private async withLock<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(this.options.folder, { recursive: true, mode: 0o700 });
    const release = await acquireLock(path.join(this.options.folder, LOCK_FILE), this.options.lockTimeoutMs);
    try {
      return await work();
    } finally {
      await release();
    }
  }

  private appendLocked(facts: AuditFacts, actor: AuditActor): Promise<AuditEntry> {
    return this.withLock(async () => {
      const now = this.clock();
      const state = await this.prepareTail(now, actor);
      return this.writeEntry(state, facts, actor, now);
    });
  }

  private async pruneLocked(before: Date, actor: AuditActor): Promise<number> {
    return this.withLock(async () => {
      const names = await this.fileNames();
      const removable: { name: string; first: AuditEntry; last: AuditEntry }[] = [];
      for (const name of names.slice(0, -1)) {
        const { lines } = splitLines(await readFile(path.join(this.options.folder, name), 'utf8'));
        const first = lines[0] !== undefined ? checkLine(lines[0]) : undefined;
        const last = lines.length > 0 ? checkLine(lines[lines.length - 1]!) : undefined;
        // Only whole files of good entries go; anything odd stays for a person to look at.
        if (!first?.ok || !last?.ok || Date.parse(last.entry.at) >= before.getTime()) break;
        removable.push({ name, first: first.entry, last: last.entry });
      }
      if (removable.length === 0) return 0;
      const now = this.clock();
      const state = await this.prepareTail(now, actor);
      const from = removable[0]!;
      const to = removable[removable.length - 1]!;
      // Recorded before anything is removed: a crash between leaves extra entries, never an unexplained gap.
      await this.writeEntry(
        state,
        {
          action: 'audit-pruned',
          outcome: 'ok',
          reason: `Entries #${from.first.seq}–#${to.last.seq} (${from.first.at} to ${to.last.at}) were removed under the retention rule.`,
          pruned: {
            fromSeq: from.first.seq,
            toSeq: to.last.seq,
            fromAt: from.first.at,
            toAt: to.last.at,
            lastHash: to.last.hash,
            files: removable.length,
          },
        },
        actor,
        now,
      );
      for (const file of removable) await rm(path.join(this.options.folder, file.name));
      return to.last.seq - from.first.seq + 1;
    });
  }

  /** The file to write next and the entry to follow, after repairing a torn last line. */
  private async prepareTail(now: Date, actor: AuditActor): Promise<{ file: string; size: number; tail: Tail | undefined }> {
    const names = await this.fileNames();
    const head = await this.readHead();
    const lastName = names[names.length - 1];
    let tail: Tail | undefined;
    let size = 0;
    let repair: AuditFacts | undefined;
    if (lastName) {
      const file = path.join(this.options.folder, lastName);
      const read = await readTail(file);
      size = read.size;
      if (read.torn.length > 0) {
        const fragment = read.torn.toString('utf8');
        const complete = checkLine(fragment);
        const lastGood = read.lastLine !== undefined ? checkLine(read.lastLine) : undefined;
        const follows =
          complete.ok &&
          (lastGood?.ok
            ? complete.entry.seq === lastGood.entry.seq + 1 && complete.entry.prev === lastGood.entry.hash
            : read.lastLine === undefined && complete.entry.prev === (head?.hash ?? GENESIS_HASH));
        if (follows) {
          // The whole entry reached the disk but its newline did not: finish the line.
          await appendBytes(file, '\n');
          size += 1;
          read.lastLine = fragment;
        } else {
          await truncate(file, size - read.torn.length);
          size -= read.torn.length;
          const digest = createHash('sha256').update(read.torn).digest('hex');
          repair = {
            action: 'audit-repaired',
            outcome: 'ok',
            reason:
              `MESH Desktop stopped while writing an entry (a crash or power cut): ${read.torn.length} bytes of an unfinished line ` +
              `were removed from the end of ${lastName} (SHA-256 ${digest}). The action it was recording may be missing from the trail.`,
          };
        }
      }
      if (read.lastLine !== undefined) {
        const checked = checkLine(read.lastLine);
        if (checked.ok) tail = { seq: checked.entry.seq, hash: checked.entry.hash };
      }
    }
    // Never let a new entry hide a break: if the files stop short of the recorded head, follow the head.
    if (head && (!tail || head.seq > tail.seq || (head.seq === tail.seq && head.hash !== tail.hash))) tail = head;
    let state = { file: lastName ?? this.fileFor(now, undefined), size, tail };
    if (repair) {
      const repaired = await this.writeEntry(state, repair, actor, now);
      state = { file: repaired.file, size: repaired.size, tail: { seq: repaired.seq, hash: repaired.hash } };
    }
    return state;
  }

  /** Writes the next entry after `state.tail`, in a new file when the month changed or the file is full. */
  private async writeEntry(
    state: { file: string; size: number; tail: Tail | undefined },
    facts: AuditFacts,
    actor: AuditActor,
    now: Date,
  ): Promise<AuditEntry & { file: string; size: number }> {
    const body = {
      v: AUDIT_FORMAT_VERSION,
      seq: (state.tail?.seq ?? 0) + 1,
      at: now.toISOString(),
      local: localTimestamp(now),
      zone: this.zone,
      actor,
      ...facts,
      prev: state.tail?.hash ?? GENESIS_HASH,
    };
    const entry = { ...body, hash: entryHash(body) } as AuditEntry;
    const line = `${canonicalJson(entry)}\n`;
    const bytes = Buffer.byteLength(line, 'utf8');
    let file = state.file;
    let size = state.size;
    const month = monthOf(now);
    const current = FILE_PATTERN.exec(file);
    if (!current || `${current[1]}-${current[2]}` !== month || (size > 0 && size + bytes > this.maxFileBytes)) {
      const next = this.fileFor(now, file);
      if (next !== file) {
        file = next;
        size = 0;
      }
    }
    await appendBytes(path.join(this.options.folder, file), line);
    await writeFileAtomic(path.join(this.options.folder, HEAD_FILE), `${JSON.stringify({ seq: entry.seq, hash: entry.hash, file })}\n`);
    return { ...entry, file, size: size + bytes };
  }

  /** The file for an entry written at `now`: the next part of this month after `current`, or the month's first. */
  private fileFor(now: Date, current: string | undefined): string {
    const [year, month] = monthOf(now).split('-').map(Number) as [number, number];
    const match = current ? FILE_PATTERN.exec(current) : null;
    if (match && Number(match[1]) === year && Number(match[2]) === month) return auditFileName(year, month, Number(match[3]) + 1);
    return auditFileName(year, month, 1);
  }

  // ————— reading —————

  private async fileNames(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.options.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => FILE_PATTERN.test(name)).sort();
  }

  /**
   * A cheap mark that changes whenever the trail does (a file's size or time, the head): any process may append,
   * so a reader that keeps what it read checks this before using it again.
   */
  async fingerprint(): Promise<string> {
    const names = [...(await this.fileNames()), HEAD_FILE];
    const marks = await Promise.all(
      names.map(async (name) => {
        const info = await stat(path.join(this.options.folder, name)).catch(() => undefined);
        return info ? `${name}:${info.size}:${info.mtimeMs}` : `${name}:-`;
      }),
    );
    return marks.join('|');
  }

  private async readHead(): Promise<AuditHead | undefined> {
    try {
      const parsed = JSON.parse(await readFile(path.join(this.options.folder, HEAD_FILE), 'utf8')) as Partial<AuditHead>;
      if (typeof parsed.seq === 'number' && typeof parsed.hash === 'string') return { seq: parsed.seq, hash: parsed.hash };
      return { seq: Number.MAX_SAFE_INTEGER, hash: 'unreadable' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A head that is there but unreadable has been tampered with; verify says so.
      return { seq: Number.MAX_SAFE_INTEGER, hash: 'unreadable' };
    }
  }

  /** The trail's files and head, with a line checker that remembers: lines already checked in these bytes are not checked again. */
  private async readChecked(): Promise<{ files: AuditFileText[]; head: AuditHead | undefined; check: LineChecker }> {
    const names = await this.fileNames();
    const buffers = await Promise.all(names.map((name) => readFile(path.join(this.options.folder, name))));
    const head = await this.readHead();
    const files = names.map((name, index) => ({ name, text: buffers[index]!.toString('utf8') }));
    const known = names.map((name, index) => stillTrue(this.checkedBefore.get(name), buffers[index]!));
    const check: LineChecker = (fileIndex, lineIndex, line) => {
      const checks = known[fileIndex]!.checks;
      const checked = checks[lineIndex] ?? checkLine(line);
      checks[lineIndex] = checked;
      return checked;
    };
    // Only the files there now are remembered (a pruned file is forgotten); their checks fill in as this read goes.
    this.checkedBefore = new Map(names.map((name, index) => [name, known[index]!]));
    return { files, head, check };
  }
}

/** One file's remembered checks: line by line (0-based), for the first `bytes` bytes, whose SHA-256 is `digest`. */
interface CheckedFile {
  bytes: number;
  digest: string;
  checks: LineCheck[];
}

/**
 * The checks remembered for a file that still starts with the bytes they were made on (else none), in an array
 * the read fills in as it checks more lines, and remembered for the file's bytes up to its last newline (a torn
 * end is never a line: the next write repairs or completes it).
 */
function stillTrue(before: CheckedFile | undefined, buffer: Buffer): CheckedFile {
  const end = buffer.lastIndexOf(0x0a) + 1;
  const hash = createHash('sha256');
  let checks: LineCheck[] = [];
  let hashed = 0;
  if (before && before.bytes > 0 && before.bytes <= end) {
    hash.update(buffer.subarray(0, before.bytes));
    if (hash.copy().digest('hex') === before.digest) {
      checks = [...before.checks];
      hashed = before.bytes;
    } else {
      // Changed in place: nothing remembered holds, and the digest starts again from the first byte.
      return stillTrue(undefined, buffer);
    }
  }
  hash.update(buffer.subarray(hashed, end));
  return { bytes: end, digest: hash.digest('hex'), checks };
}

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Appends in one write and flushes to disk before returning. */
async function appendBytes(file: string, text: string): Promise<void> {
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.write(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The end of a file: its size, its last complete line, and any torn bytes after it. */
async function readTail(file: string): Promise<{ size: number; lastLine: string | undefined; torn: Buffer }> {
  const info = await stat(file);
  const length = Math.min(info.size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const handle = await open(file, 'r');
  try {
    await handle.read(buffer, 0, length, info.size - length);
  } finally {
    await handle.close();
  }
  const end = buffer.lastIndexOf(0x0a);
  const torn = buffer.subarray(end + 1);
  if (end < 0) return { size: info.size, lastLine: undefined, torn };
  const start = buffer.lastIndexOf(0x0a, end - 1);
  return { size: info.size, lastLine: buffer.subarray(start + 1, end).toString('utf8'), torn };
}
