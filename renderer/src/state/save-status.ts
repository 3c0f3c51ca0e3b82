/**
 * Where a save started from the inbox has got to, from the transfers it made:
 * one status for the whole save ("Saving…", then "Saved to <folder>", or what
 * failed), so the window never says two things that disagree.
 */
import type { TransferView } from '../../../main/contract';
import type { Saving } from './inbox-store';

export interface SaveStatus {
  state: 'saving' | 'saved' | 'failed';
  /** How many of the messages are saved, and how many there are. */
  saved: number;
  total: number;
  /** Where the saved files are, each full path. */
  paths: string[];
  /** The folder they are in, when they share one. */
  folder?: string;
  /** Why a transfer failed, one sentence each. */
  problems: string[];
}

/** The folder part of a path, Windows or POSIX. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut > 0 ? path.slice(0, cut) : path;
}

/** The status of a save from the transfers main reports (newest state of each). */
export function saveStatus(saving: Saving, transfers: readonly TransferView[]): SaveStatus {
  const earlier = new Set(saving.earlier);
  const latest = new Map<string, TransferView>();
  for (const transfer of transfers) {
    if (transfer.direction !== 'download' || !transfer.messageId || earlier.has(transfer.id)) continue;
    if (!saving.ids.includes(transfer.messageId)) continue;
    const known = latest.get(transfer.messageId);
    if (!known || known.updatedAt <= transfer.updatedAt) latest.set(transfer.messageId, transfer);
  }
  const done = [...latest.values()].filter((t) => t.state === 'done');
  const failed = [...latest.values()].filter((t) => t.state === 'failed' || t.state === 'cancelled');
  const paths = done.map((t) => t.savedPath).filter((path): path is string => Boolean(path));
  const folders = [...new Set(paths.map(folderOf))];
  const folder = folders.length === 1 ? folders[0] : saving.folder;
  const total = saving.ids.length;
  const finished = done.length + failed.length === total;
  return {
    state: !finished ? 'saving' : failed.length > 0 ? 'failed' : 'saved',
    saved: done.length,
    total,
    paths,
    ...(folder ? { folder } : {}),
    problems: failed.map((t) => `${t.title}: ${t.state === 'cancelled' ? 'cancelled' : (t.error?.message ?? 'the download failed')}`),
  };
}
