/**
 * A file of JSON lines that only ever grows, for state that changes one small
 * record at a time: rewriting the whole state per change costs time in
 * proportion to its size, so a history of n records costs n² to build.
 * Appending costs only the change.
 *
 * Each append resolves once its line is flushed to the disk. Appends asked
 * for while a flush is on its way wait for it and then share the next one,
 * so concurrent changes cost one fsync between them, and the lines reach the
 * file in the order they were asked for.
 *
 * A crash mid-append leaves a last line without its newline: read() leaves
 * it out (it was never acknowledged) and says so, and the owner compacts
 * before appending again, so the next line is never glued onto the torn one.
 * Compaction (replacing the state's snapshot and then emptying the log) is
 * the owner's job: only the owner knows what the lines mean.
 */
import { mkdir, open, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { syncFolder } from './durable-file';

/** What read() found in a log. */
export interface LogContents {
  /** Every complete line, parsed, in the order they were appended. */
  entries: unknown[];
  /** The log's size in bytes (0 when it does not exist). */
  bytes: number;
  /** A last line without its newline was left out: a crash cut its append short. */
  tornTail: boolean;
  /** How many complete lines were not JSON (damage from outside the app); they are left out. */
  unreadableLines: number;
}

/**
 * How long the file stays open after its last append. Appends come in bursts (a transfer's steps, a batch of
 * messages), and opening and closing the file around each one was half of every append's file-system calls; an
 * idle log is closed so that it holds no handle for long.
 */
const IDLE_CLOSE_MS = 1000;

interface Pending {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class AppendLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** Whether the file's name is known to be durable in its folder (then a new line needs no folder flush). */
  private known = false;
  /** Bytes in the file, as far as this writer knows (read() and every append update it). */
  private size = 0;
  /** While a snapshot replaces the log, new lines wait (see compact). */
  private compaction: Promise<void> | undefined;
  /** The file, open for appending while appends keep coming (see IDLE_CLOSE_MS). */
  private handle: FileHandle | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(readonly file: string) {}

  /** The log's size in bytes after the appends that have resolved. */
  get bytes(): number {
    return this.size;
  }

  /** Reads every complete line. A missing file is an empty log. */
  async read(): Promise<LogContents> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.size = 0;
      return { entries: [], bytes: 0, tornTail: false, unreadableLines: 0 };
    }
    this.size = Buffer.byteLength(text);
    this.known = true;
    const lines = text.split('\n');
    // Text after the last newline is an append a crash cut short (or nothing, when the file ends in a newline).
    const tail = lines.pop() ?? '';
    const entries: unknown[] = [];
    let unreadableLines = 0;
    for (const line of lines) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as unknown);
      } catch {
        unreadableLines++;
      }
    }
    return { entries, bytes: this.size, tornTail: tail !== '', unreadableLines };
  }

  /** Appends one entry as a line; resolves once it is on disk. */
  append(entry: unknown): Promise<void> {
    return this.appendJson(JSON.stringify(entry));
  }

  /** Appends a line of JSON the caller has already made (one line: JSON.stringify's output); resolves once it is on disk. */
  appendJson(json: string): Promise<void> {
    const text = `${json}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      if (!this.compacting) this.flushing ??= this.drain();
    });
  }

  /** Writes the waiting lines, a batch per flush, until none are left. */
  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.write(batch.map((item) => item.text).join(''));
          for (const item of batch) item.resolve();
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async write(text: string): Promise<void> {
    clearTimeout(this.closeTimer);
    if (!this.handle) {
      if (!this.known) await mkdir(path.dirname(this.file), { recursive: true });
      this.handle = await open(this.file, 'a', 0o600);
    }
    try {
      await this.handle.writeFile(text);
      await this.handle.datasync();
    } catch (error) {
      // The next append starts again from a fresh open, which also tells it whether the file is still there.
      await this.closeFile();
      throw error;
    }
    // A new file's name must be durable too, or a power cut could lose the whole log with its flushed lines.
    if (!this.known) {
      await syncFolder(path.dirname(this.file));
      this.known = true;
    }
    this.size += Buffer.byteLength(text);
    // Unref'd: an open log never keeps the process alive; a write under way when it fires sets its own.
    this.closeTimer = setTimeout(() => {
      if (!this.flushing && !this.compaction) void this.closeFile();
    }, IDLE_CLOSE_MS).unref();
  }

  private async closeFile(): Promise<void> {
    clearTimeout(this.closeTimer);
    const handle = this.handle;
    this.handle = undefined;
    // Its lines are flushed already; a close that fails loses nothing.
    await handle?.close().catch(() => {});
  }

  /** Resolves when every append asked for so far has finished, and any compaction. */
  async idle(): Promise<void> {
    while (this.flushing || this.compaction) await (this.compaction ?? this.flushing);
  }

  /** True while compact() is under way (a second one would have nothing to do). */
  get compacting(): boolean {
    return this.compaction !== undefined;
  }

  /**
   * Replaces the log with a snapshot: writeSnapshot saves the whole state
   * durably somewhere of its own, then the log is emptied. Appends asked for
   * meanwhile wait and go into the new log, so none is lost; the state they
   * change may already be in the snapshot, and the owner's replay of a line
   * onto a state that has it already must change nothing. The same holds when
   * a crash keeps the old lines after the snapshot was saved.
   */
  async compact(writeSnapshot: () => Promise<void>): Promise<void> {
    if (this.compaction) return this.compaction;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => (started = resolve));
    this.compaction = (async () => {
      // Not a step further until this.compaction is set, so an append made by writeSnapshot itself waits too.
      await gate;
      try {
        while (this.flushing) await this.flushing;
        await writeSnapshot();
        // Windows cannot give a removed file's name to a new one while a handle to it is open.
        await this.closeFile();
        await rm(this.file, { force: true });
        this.known = false;
        this.size = 0;
      } finally {
        this.compaction = undefined;
        if (this.pending.length > 0) this.flushing ??= this.drain();
      }
    })();
    started();
    return this.compaction;
  }
}
