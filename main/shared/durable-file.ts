/**
 * How a file is made durable on disk, for every part of the app: the settings,
 * the transfer journal, the audit head, the sidecars and placements in the
 * person's download folder, and folder mode's OUT, SENT and IN.
 *
 * A file is replaced by writing it under a temporary name beside it, flushing
 * it, renaming it over the old one and flushing the folder, so a reader (or
 * the app after a power cut) finds the old file or the new one, never half of
 * either. The temporary name is fixed, `.<name>.tmp`, never random: these
 * folders belong to the person and the programs reading them, and a crash
 * mid-write must not leave a stray file there for good. The next write of the
 * same file takes the leftover over, and readers that list a folder skip
 * names isTemporaryName() matches. A copy across disks goes to `<name>.part`
 * first, by the same rule.
 */
import { constants } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const RETRYABLE_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** How often a temporary name held by another writer is looked at again before it is taken as a crash's leftover. */
const TAKEOVER_ATTEMPTS = 5;

/** The fixed name a file is written under before it is renamed into place: `.<name>.tmp` in its folder. */
export function temporaryName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp`);
}

/** True for a name temporaryName() gives: a write that a crash cut short, never a file of its own. */
export function isTemporaryName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/** The name a file is copied to across disks before it is renamed into place: `<name>.part`. */
export function partialName(target: string): string {
  return `${target}.part`;
}

/**
 * Serialises writes per key: the latest value always wins and two renames for
 * the same file never race. Callers await their own write.
 */
export class WriteQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs write after every earlier write for key has finished (successfully or not). */
  run(key: string, write: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(write);
    const tail = next.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued write has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}

/** One writer per file in this process, so a fixed temporary name is never shared by two writes. */
const writes = new WriteQueue();

/**
 * Windows refuses to replace a file that antivirus or an indexer has open for
 * a moment; those errors clear quickly, so a few short retries are enough.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  const attempts = process.platform === 'win32' ? 5 : 1;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= attempts || !RETRYABLE_RENAME_CODES.has(code)) throw error;
      await delay(50 * attempt);
    }
  }
}

/** Flushes a file's content to the disk. */
export async function flushFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entry list so a rename inside it survives a power cut (POSIX only). */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems cannot fsync a folder; the file itself is already flushed.
  }
}

/**
 * Creates the temporary file exclusively. Another process writing the same
 * file holds the name for a few milliseconds; a name still held after that
 * was left by a crash, and is taken over.
 */
async function createTemporary(temp: string, mode: number): Promise<FileHandle> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (attempt < TAKEOVER_ATTEMPTS) await delay(20 * attempt);
      else await rm(temp, { force: true });
    }
  }
}

/**
 * Replaces `filePath` with `contents` so that a reader sees the old file or the
 * new one, never half of either. The file is created owner-only (0600) where
 * the platform has POSIX modes, unless `mode` says otherwise (files other
 * programs read: 0o666, less the umask).
 */
export function writeFileAtomic(filePath: string, contents: string | Uint8Array, mode = 0o600): Promise<void> {
  return writes.run(path.resolve(filePath), async () => {
    const temp = temporaryName(filePath);
    const handle = await createTemporary(temp, mode);
    try {
      try {
        await handle.writeFile(contents);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await renameWithRetry(temp, filePath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    await syncFolder(path.dirname(filePath));
  });
}

/** Replaces filePath with the JSON of value, durably (writeFileAtomic), making its folder when it is missing. */
export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  try {
    await writeFileAtomic(filePath, text);
  } catch (error) {
    // The folder is made only when the write finds it missing: a journal saves each transfer several times, and a
    // mkdir before every save was a tenth of a small send's file-system calls.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(filePath), { recursive: true });
    await writeFileAtomic(filePath, text);
  }
}

/** Reads a JSON file; undefined when it does not exist. Unparseable content throws. */
export async function readJson(filePath: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

/**
 * Moves a file, replacing the target: a rename, or across disks (a TEMP on
 * another volume) a copy to partialName(to), flushed and renamed into place,
 * before the source goes. The target's folder is flushed either way.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const partial = partialName(to);
    await copyFile(from, partial);
    await flushFile(partial);
    await renameWithRetry(partial, to);
    await rm(from);
  }
  await syncFolder(path.dirname(to));
}

/** True when the path exists; false only when it does not (any other error is thrown). */
export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
