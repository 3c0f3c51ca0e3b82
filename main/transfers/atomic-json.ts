import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Windows refuses a rename for a moment while antivirus or the indexer has the file open. */
const TRANSIENT_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

async function renameWithRetry(from: string, to: string): Promise<void> {
  const attempts = process.platform === 'win32' ? 6 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      if (attempt >= attempts || !TRANSIENT_RENAME_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await delay(25 * attempt);
    }
  }
}

/** Flushes a folder's entries so a rename in it survives a power cut (POSIX; Windows cannot open folders). */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a folder; the file data itself is already flushed.
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces filePath with the JSON of value so that after a crash or power cut
 * a reader finds the old content or the new, never a mix: write a temp file in
 * the same folder, fsync it, rename it over the old one, fsync the folder.
 */
export async function writeJsonAtomic(filePath: string, value: unknown): Promise<void> {
  const folder = path.dirname(filePath);
  await mkdir(folder, { recursive: true });
  const temp = path.join(folder, `.${path.basename(filePath)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(JSON.stringify(value), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, filePath);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(folder);
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
