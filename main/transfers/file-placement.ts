/**
 * Giving a verified download its final name without ever overwriting a
 * file, and writing the metadata sidecar beside it.
 *
 * The no-overwrite primitive is a hard link (link() fails with EEXIST when
 * the name is taken, atomically, on NTFS, ext4, APFS…): the complete file
 * appears under its final name in one step, then the partial name is
 * removed. Where hard links are not supported (FAT/exFAT drives, some network
 * shares) the name is first reserved with an exclusive create ('wx') and the
 * partial file renamed over the reservation.
 */
import { link, open, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { exists, moveFile, writeJsonAtomic } from '../shared/durable-file';
import { SIDECAR_SUFFIX, numberedFileName } from './safe-file-name';
import type { DownloadRecord, ReceivedMessageFacts, Verification } from './types';

/** Errors that mean "this file system cannot hard-link", so the reserve-and-rename way is used instead. */
const NO_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EINVAL']);

/** Most alternatives tried for one name ("report (999).csv") before giving up. */
export const MAX_NAME_ALTERNATIVES = 999;

/** True when both paths are the same file on disk (a hard link of each other). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [first, second] = await Promise.all([stat(a, { bigint: true }), stat(b, { bigint: true })]);
    return first.ino === second.ino && first.dev === second.dev && first.ino !== 0n;
  } catch {
    return false;
  }
}

/** Hooks so the journal records each attempt before it happens (a crash mid-placement can then be finished). */
export interface PlacementJournal {
  /** Called before trying `name`. */
  trying(name: string): Promise<void>;
  /** Called after `name` was reserved with an exclusive create (no-hard-link file systems only). */
  reserved(name: string): Promise<void>;
}

/**
 * Gives partPath the first free name among name, "name (2)", "name (3)"… in
 * folder, skipping names whose sidecar already exists. Never overwrites.
 * Returns the final path; the partial path may still exist (a hard link):
 * remove it once the final path is recorded.
 */
export async function placeWithoutOverwrite(partPath: string, folder: string, name: string, journal: PlacementJournal): Promise<string> {
  for (let n = 1; n <= MAX_NAME_ALTERNATIVES; n++) {
    const candidateName = numberedFileName(name, n);
    const candidate = path.join(folder, candidateName);
    if (await exists(`${candidate}${SIDECAR_SUFFIX}`)) continue;
    await journal.trying(candidateName);
    try {
      await link(partPath, candidate);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      if (!NO_LINK_CODES.has(code)) throw error;
    }
    // No hard links here: reserve the name exclusively, then move the file onto it.
    try {
      await (await open(candidate, 'wx')).close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await journal.reserved(candidateName);
    await moveFile(partPath, candidate);
    return candidate;
  }
  throw Object.assign(new Error(`no free name for ${name} in ${folder}`), { code: 'EEXIST' });
}

/**
 * After a restart in the middle of placement: the final path if the file
 * already has it (linked, or renamed onto our reservation), else undefined.
 */
export async function finishInterruptedPlacement(partPath: string, candidate: string, reserved: boolean): Promise<string | undefined> {
  const partExists = await exists(partPath);
  const candidateExists = await exists(candidate);
  if (!partExists) return candidateExists ? candidate : undefined;
  if (candidateExists && (await sameFile(partPath, candidate))) return candidate;
  if (candidateExists && reserved) {
    await moveFile(partPath, candidate);
    return candidate;
  }
  return undefined;
}

/** Removes the partial file's name once the final one is recorded; a missing file is fine. */
export async function removePartial(partPath: string): Promise<void> {
  try {
    await unlink(partPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** The sidecar for a received file: everything MESH told us, so nothing about it is lost. */
export interface ReceivedFileSidecar {
  format: 'mesh-desktop-received-file/1';
  messageId: string;
  messageType: 'DATA' | 'REPORT';
  sender?: string;
  recipient?: string;
  workflowId?: string;
  subject?: string;
  localId?: string;
  /** The name exactly as the sender gave it (it may differ from the saved name, which was made safe). */
  fileNameAsSent?: string;
  savedAs: string;
  size: number;
  contentType?: string;
  encrypted: boolean;
  /** The sender compressed the content themselves (MESH passes the flag on; the file is saved as received). */
  compressed: boolean;
  chunks: number;
  checksum?: string;
  checksumResult: Verification['checksum'];
  checksumAlgorithm?: string;
  deliveredAt?: string;
  receivedAt?: string;
  savedAt?: string;
  acknowledgedAt?: string;
  mailboxProfileId: string;
}

/** Builds the sidecar content for a placed download. */
export function buildSidecar(
  record: DownloadRecord,
  facts: ReceivedMessageFacts,
  savedPath: string,
  verification: Verification,
): ReceivedFileSidecar {
  const sidecar: ReceivedFileSidecar = {
    format: 'mesh-desktop-received-file/1',
    messageId: facts.messageId,
    messageType: facts.messageType,
    savedAs: path.basename(savedPath),
    size: verification.bytes,
    encrypted: facts.encrypted,
    compressed: facts.compressed,
    chunks: facts.chunkCount,
    checksumResult: verification.checksum,
    mailboxProfileId: record.profileId,
  };
  const optional: Array<[keyof ReceivedFileSidecar, string | undefined]> = [
    ['sender', facts.from],
    ['recipient', facts.to],
    ['workflowId', facts.workflowId],
    ['subject', facts.subject],
    ['localId', facts.localId],
    ['fileNameAsSent', facts.fileName],
    ['contentType', facts.contentType],
    ['checksum', facts.checksum],
    ['checksumAlgorithm', verification.checksumAlgorithm],
    ['deliveredAt', facts.deliveredAt],
    ['receivedAt', record.receivedAt],
    ['savedAt', record.savedAt],
    ['acknowledgedAt', record.acknowledgedAt],
  ];
  for (const [key, value] of optional) if (value !== undefined) (sidecar as unknown as Record<string, unknown>)[key] = value;
  return sidecar;
}

/** Writes (or rewrites) the sidecar beside savedPath atomically; returns its path. */
export async function writeSidecar(savedPath: string, sidecar: ReceivedFileSidecar): Promise<string> {
  const sidecarPath = `${savedPath}${SIDECAR_SUFFIX}`;
  await writeJsonAtomic(sidecarPath, sidecar);
  return sidecarPath;
}
