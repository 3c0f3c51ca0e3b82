import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const RETRYABLE_RENAME_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

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
 * Replaces `filePath` with `contents` so that a reader sees the old file or the
 * new one, never half of either: temp file in the same folder, fsync, rename.
 * The file is created owner-only (0600) where the platform has POSIX modes.
 */
export async function writeFileAtomic(filePath: string, contents: string | Uint8Array, mode = 0o600): Promise<void> {
  const folder = path.dirname(filePath);
  const temp = path.join(folder, `.${path.basename(filePath)}.${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', mode);
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
  await syncFolder(folder);
}
