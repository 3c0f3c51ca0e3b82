/**
 * A lock file that lets the window, the command line and folder mode's
 * service append to one trail in turn: each entry follows the one before, so
 * two writers must never read the same last entry. Held for one append (a few
 * milliseconds); a lock left by a process that died is taken over.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/** A lock older than this belongs to a writer that hung or died mid-append. */
const STALE_LOCK_MS = 30_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function staleContent(lockPath: string, now: number): Promise<string | undefined> {
  const [content, info] = await Promise.all([readFile(lockPath, 'utf8').catch(() => ''), stat(lockPath).catch(() => undefined)]);
  if (!info) return undefined; // gone already: just try again
  const pid = Number(content.trim());
  if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return content;
  return now - info.mtimeMs > STALE_LOCK_MS ? content : undefined;
}

/**
 * Moves a stale lock aside. Two writers may both find the same lock stale; the rename lets only one move it, and a
 * writer that moved a lock someone had meanwhile taken afresh puts it back (link refuses if another took its place).
 */
async function breakStaleLock(lockPath: string, stale: string): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, 'utf8').catch(() => stale);
  if (moved !== stale) await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
}

/** Takes the lock at `lockPath`, waiting up to `timeoutMs`; returns the release function. */
export async function acquireLock(lockPath: string, timeoutMs = 10_000): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stale = await staleContent(lockPath, Date.now());
    if (stale !== undefined) {
      await breakStaleLock(lockPath, stale);
      continue;
    }
    if (Date.now() > deadline) {
      throw Object.assign(new Error(`The audit trail is locked by another process (${lockPath}).`), { code: 'ELOCKED' });
    }
    await delay(Math.min(50, 2 + attempt * 2));
  }
}
