/**
 * Receiving one message into a file that can be trusted.
 *
 * Chunks are written into a partial file (<messageId>.mesh.part) in the
 * destination folder. Each chunk is recorded in the journal only once every
 * chunk before it is recorded and it is itself flushed to disk, so a resumed
 * download cuts the partial file back to the recorded offset and carries on.
 * The flush and record of chunk k run while later chunks are on the wire.
 * Then the file is verified (lengths, the sender's checksum when we recognise
 * it), given its final name without overwriting anything, its sidecar
 * written, and only then — if the mailbox acknowledges after saving —
 * acknowledged.
 *
 * Two chunks are fetched at once when MESH sends them without transfer
 * encoding: chunk k's Content-Length is then exactly the bytes it adds, so
 * chunk k+1's place in the file is known from chunk k's headers and it can
 * stream straight there (no temporary copy, no second write of any byte).
 * One request at a time leaves the link idle between chunks and, on a busy
 * server or a long round trip, well short of what it can carry. Gzip bodies
 * hide their decoded length until they end, so those chunks are fetched one
 * after another. The checksum is worked out from the file in chunk order at
 * each record, so it never depends on which chunk arrived first.
 */
import { createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DownloadedChunk } from '../mesh/client';
import { transportFailureToAppError } from '../mesh/errors';
import type { MessageMetadata } from '../mesh/headers';
import { IO_BLOCK_SIZE, fileSystemError, fileWriteFailure } from '../mesh/file-io';
import { AppError } from '../shared/errors';
import { createChecksumHash, hashFilePrefix, hashFileRange, parseChecksum, type HashSession } from './checksum';
import { EarlyWriteback } from './early-writeback';
import { buildSidecar, finishInterruptedPlacement, placeWithoutOverwrite, removePartial, writeSidecar } from './file-placement';
import { factsFromMetadata } from './inbox';
import { nextDownloadStep } from './recovery';
import { abortedError, throwIfAborted, type RunContext } from './run-context';
import { safeFileName } from './safe-file-name';
import type { DownloadRecord, ReceivedMessageFacts } from './types';

/** What survives between attempts of one download within this run: the running checksum (see HashSession). */
export type DownloadSession = HashSession;

const FILE_SYSTEM_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EACCES',
  'EPERM',
  'EROFS',
  'EIO',
  'EBADF',
  'EMFILE',
  'ENFILE',
  'EISDIR',
  'ENOENT',
  'EBUSY',
  'EFBIG',
]);

/** The name a download will be saved under (before clash numbering). */
export function downloadFileName(record: Pick<DownloadRecord, 'saveAs' | 'messageId' | 'facts'>): string {
  return safeFileName(record.saveAs ?? record.facts?.fileName, record.messageId);
}

function describeStreamFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const codes: string[] = [];
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') codes.push(candidate.code);
    if (typeof candidate.message === 'string') messages.push(candidate.message);
    current = candidate.cause;
  }
  const code = codes.find((candidate) => candidate !== 'ERR_GOT_REQUEST_ERROR') ?? codes[0];
  return transportFailureToAppError({ operation: 'download', ...(code ? { code } : {}), message: messages.join(' ← ') });
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function flushToDisk(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Prepares the running checksum so it covers exactly bytes [0, offset) of the partial file. */
async function alignChecksum(
  ctx: RunContext<DownloadRecord>,
  session: DownloadSession,
  facts: ReceivedMessageFacts | undefined,
  offset: number,
): Promise<void> {
  const checksum = parseChecksum(facts?.checksum);
  if (!checksum) {
    delete session.hash;
    session.hashedUpTo = offset;
    return;
  }
  if (session.hash && session.hashedUpTo === offset) return;
  session.hash = createChecksumHash(checksum.algorithm);
  session.hashedUpTo = 0;
  await hashFilePrefix(ctx.record.partPath, offset, session.hash, ctx.signal);
  session.hashedUpTo = offset;
}

/** Opens the partial file for this run: created empty for a fresh start, cut back to the recorded offset to resume. */
async function preparePartialFile(ctx: RunContext<DownloadRecord>): Promise<void> {
  const record = ctx.record;
  try {
    if (record.chunksDone > 0) {
      try {
        const size = (await stat(record.partPath)).size;
        if (size < record.bytesDone) throw Object.assign(new Error('partial file shorter than recorded'), { code: 'ESHORT' });
        await truncate(record.partPath, record.bytesDone);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ESHORT') throw error;
        // The partial file is gone or damaged (deleted by someone, or lost in a crash): start the message again.
        ctx.log.warn('Partial download missing or short; starting again from chunk 1', { transferId: record.id, code });
        record.chunksDone = 0;
        record.bytesDone = 0;
        await ctx.save();
      }
    }
    await (await open(record.partPath, 'w', 0o600)).close();
  } catch (error) {
    throw fileSystemError(error, record.partPath, 'write');
  }
}

/** How many chunks of one message are on the wire at once. */
export const DOWNLOAD_WINDOW = 2;

/**
 * A chunk's decoded length when its headers alone tell it: only a body sent without transfer encoding, whose
 * Content-Length is then the number of bytes it adds to the file. Gzip hides the decoded length until the end.
 */
export function decodedLengthFromHeaders(metadata: Pick<MessageMetadata, 'contentEncoding' | 'contentLength'>): number | undefined {
  const encoded = metadata.contentEncoding !== undefined && metadata.contentEncoding !== 'identity';
  return encoded ? undefined : metadata.contentLength;
}

/** Whether MESH says more chunks follow chunk k: a 206, and k short of the chunk count. */
export function moreChunksFollow(k: number, chunk: Pick<DownloadedChunk, 'status' | 'metadata'>): boolean {
  return chunk.status === 206 && k < chunk.metadata.chunk.n;
}

/** Streams one chunk's body into the partial file at offset; returns the bytes written. */
async function writeChunk(
  ctx: RunContext<DownloadRecord>,
  body: Readable,
  offset: number,
  signal: AbortSignal,
  onBytes: (written: number) => void,
): Promise<number> {
  const partPath = ctx.record.partPath;
  let written = 0;
  const output = createWriteStream(partPath, { flags: 'r+', start: offset, highWaterMark: IO_BLOCK_SIZE });
  const writeFailure = fileWriteFailure(body, output);
  try {
    const piped = pipeline(body, output, { signal });
    // Counted beside the pipe rather than through a counting stream: one stream fewer for every block of a 20 GB
    // message. pipeline() has attached the pipe synchronously, so this listener cannot see data the file misses.
    body.on('data', (block: Buffer) => {
      written += block.length;
      onBytes(written);
    });
    await piped;
    return output.bytesWritten;
  } catch (error) {
    body.destroy();
    if (ctx.signal.aborted) throw abortedError(ctx.signal);
    const writeError = writeFailure();
    if (writeError !== undefined) throw fileSystemError(writeError, partPath, 'write');
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code && FILE_SYSTEM_CODES.has(code)) throw fileSystemError(error, partPath, 'write');
    throw describeStreamFailure(error);
  }
}

/** One chunk being fetched into its place in the partial file. */
interface ChunkFetch {
  k: number;
  /** Where its bytes go in the partial file. */
  start: number;
  /** Its headers: whether another chunk may start before it ends, and where. */
  opened: Promise<DownloadedChunk>;
  /** Bytes of it written so far, for progress. */
  written: number;
  /** Settles once its body is wholly in the file (or has failed), with the bytes written. */
  done: Promise<number>;
}

function fetchChunk(
  ctx: RunContext<DownloadRecord>,
  k: number,
  start: number,
  signal: AbortSignal,
  writeback: EarlyWriteback,
  onBytes: () => void,
): ChunkFetch {
  const opened = ctx.client.downloadChunk(ctx.record.messageId, k, { signal });
  const fetch: ChunkFetch = { k, start, opened, written: 0, done: Promise.resolve(0) };
  fetch.done = opened.then(async (chunk) => {
    const written = await writeChunk(ctx, chunk.body, start, signal, (bytes) => {
      writeback.wrote(bytes - fetch.written);
      fetch.written = bytes;
      onBytes();
    });
    // Plain bodies must match their Content-Length (the next chunk was placed by it); gzip ones carry their own
    // length and CRC, which gunzip checks.
    const expected = decodedLengthFromHeaders(chunk.metadata);
    if (expected !== undefined && written !== expected) {
      throw new AppError({
        code: 'protocol-error',
        message: 'Part of the file arrived damaged from MESH. MESH Desktop will fetch it again.',
        detail: `chunk ${k}: wrote ${written} bytes, Content-Length ${expected}`,
        transient: true,
      });
    }
    return written;
  });
  // Awaited by the loop in order; a later chunk's failure must not surface as unhandled while an earlier one runs.
  opened.catch(() => {});
  fetch.done.catch(() => {});
  return fetch;
}

/**
 * Fetches the chunks still missing into the partial file. While chunk k streams, chunk k+1 already streams into
 * its own place when chunk k's headers say where that is (a plain body's Content-Length); with gzip transfer
 * encoding the chunks go one after another. Chunks are recorded strictly in order, each after a flush to disk.
 */
async function fetchChunks(ctx: RunContext<DownloadRecord>, session: DownloadSession): Promise<void> {
  const record = ctx.record;
  await preparePartialFile(ctx);
  let offset = record.chunksDone === 0 ? 0 : record.bytesDone;
  await alignChecksum(ctx, session, record.chunksDone === 0 ? undefined : record.facts, offset);
  // Stops the fetches of this run: on pause or cancel, and when one of them fails.
  const stop = new AbortController();
  const stopWithRun = (): void => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', stopWithRun);
  const writeback = new EarlyWriteback(record.partPath, {
    onError: (error) => ctx.log.warn('Could not start writing a download to disk early', { transferId: record.id, error: String(error) }),
  });
  const inFlight: ChunkFetch[] = [];
  let total = record.facts?.chunkCount;
  /** Everything taken from the window, and what has arrived of the chunks still in it. */
  const received = (): number => inFlight.reduce((sum, fetch) => sum + fetch.written, offset);
  const reportProgress = (): void => {
    const oldest = inFlight[0];
    ctx.progress(received(), undefined, oldest && total ? { k: oldest.k, n: Math.max(oldest.k, total) } : undefined);
  };
  let factsFromThisRun = false;
  /** Chunk 1's headers describe the message; a resumed run that never saw them takes the first chunk it gets. */
  const learnFacts = async (k: number, chunk: DownloadedChunk): Promise<void> => {
    if (factsFromThisRun || (k !== 1 && record.facts)) return;
    factsFromThisRun = true;
    record.facts = factsFromMetadata(chunk.metadata, record.messageId);
    record.receivedAt ??= ctx.clock().toISOString();
    await alignChecksum(ctx, session, record.facts, offset);
  };
  // The chunk after the last one taken from the window, and where it goes.
  let nextK = record.chunksDone + 1;
  /** Keeps DOWNLOAD_WINDOW chunks on the wire while the headers of the newest say where the next one goes. */
  const fillWindow = async (): Promise<void> => {
    for (;;) {
      if (inFlight.length === 0) inFlight.push(fetchChunk(ctx, nextK, offset, stop.signal, writeback, reportProgress));
      if (inFlight.length >= DOWNLOAD_WINDOW) return;
      const newest = inFlight[inFlight.length - 1] as ChunkFetch;
      const chunk = await newest.opened;
      await learnFacts(newest.k, chunk);
      total = Math.max(total ?? 0, chunk.metadata.chunk.n);
      const length = decodedLengthFromHeaders(chunk.metadata);
      if (!moreChunksFollow(newest.k, chunk) || length === undefined) return;
      inFlight.push(fetchChunk(ctx, newest.k + 1, newest.start + length, stop.signal, writeback, reportProgress));
    }
  };
  // The previous chunk's hash, flush and record, running while later chunks download.
  let committing: Promise<void> = Promise.resolve();
  try {
    throwIfAborted(ctx.signal);
    ctx.progress(offset, undefined, total ? { k: nextK, n: total } : undefined);
    for (;;) {
      await fillWindow();
      const oldest = inFlight[0] as ChunkFetch;
      const chunk = await oldest.opened;
      await learnFacts(oldest.k, chunk);
      const written = await oldest.done;
      inFlight.shift();
      offset = oldest.start + written;
      nextK = oldest.k + 1;
      const last = !moreChunksFollow(oldest.k, chunk);
      const n = last ? oldest.k : Math.max(nextK, chunk.metadata.chunk.n);
      total = n;
      // Chunk k is recorded only once chunk k-1 is (records only ever move forward by one).
      const previous = committing;
      const end = offset;
      committing = previous.then(() => commitChunk(ctx, session, oldest.k, oldest.start, end, n));
      committing.catch(() => {}); // awaited below or by the next chunk; never left unhandled meanwhile
      ctx.progress(received(), last ? offset : undefined, { k: oldest.k, n });
      if (last) return await committing;
      // The next chunks go on the wire before anything waits for the disk; then chunk k-1's record, so a failed
      // record stops the download and at most two records are ever pending.
      await fillWindow();
      await previous;
    }
  } catch (error) {
    if (ctx.signal.aborted) throw abortedError(ctx.signal);
    throw error;
  } finally {
    // Nothing of this run may still be writing when it returns: a retry cuts the partial file back to the record,
    // and a straggling write would land after that. Nor may a record write be pending, or the retry would read the
    // record before it lands and cut the partial file back to the wrong length.
    stop.abort();
    ctx.signal.removeEventListener('abort', stopWithRun);
    await Promise.allSettled(inFlight.map((fetch) => fetch.done));
    await committing.catch(() => {});
    await writeback.close();
  }
}

/**
 * Makes chunk k survive a power cut: feeds it to the running checksum (read back from the file, in order, so the
 * checksum never depends on which chunk arrived first), flushes the partial file, then records the chunk as done.
 */
async function commitChunk(
  ctx: RunContext<DownloadRecord>,
  session: DownloadSession,
  k: number,
  start: number,
  bytesDone: number,
  chunkCount: number,
): Promise<void> {
  const record = ctx.record;
  if (session.hash) {
    if (session.hashedUpTo === start) {
      try {
        await hashFileRange(record.partPath, start, bytesDone, session.hash, ctx.signal);
        session.hashedUpTo = bytesDone;
      } catch (error) {
        delete session.hash;
        if (ctx.signal.aborted) throw abortedError(ctx.signal);
        throw fileSystemError(error, record.partPath, 'read');
      }
    } else {
      // Out of step (cannot happen in order): verification hashes the whole file instead.
      delete session.hash;
    }
  }
  try {
    await flushToDisk(record.partPath);
  } catch (error) {
    throw fileSystemError(error, record.partPath, 'write');
  }
  (record.facts as ReceivedMessageFacts).chunkCount = chunkCount;
  record.chunksDone = k;
  record.bytesDone = bytesDone;
  // The last chunk is left to the save that names the file's final place (place() below, straight after verify()):
  // a crash before it finds the chunk unrecorded and fetches it again, which is safe since nothing was acknowledged.
  if (k < chunkCount) await ctx.save();
}

async function verify(ctx: RunContext<DownloadRecord>, session: DownloadSession): Promise<void> {
  const record = ctx.record;
  const facts = record.facts as ReceivedMessageFacts;
  ctx.showState('verifying');
  let size: number;
  try {
    size = (await stat(record.partPath)).size;
  } catch (error) {
    throw fileSystemError(error, record.partPath, 'read');
  }
  if (size !== record.bytesDone) {
    const detail = `partial size ${size} != recorded ${record.bytesDone}`;
    record.chunksDone = 0;
    record.bytesDone = 0;
    await ctx.save();
    throw new AppError({
      code: 'protocol-error',
      message: 'The partly received file changed on disk, so MESH Desktop will receive it again.',
      detail,
      transient: true,
    });
  }
  const expected = parseChecksum(facts.checksum);
  if (!expected) {
    // Saved with the placement that follows at once (see the end of verify).
    record.verification = { bytes: size, checksum: 'not-checked', lengthsChecked: true };
    return;
  }
  if (!session.hash || session.hashedUpTo !== size) {
    session.hash = createChecksumHash(expected.algorithm);
    await hashFilePrefix(record.partPath, size, session.hash, ctx.signal);
    session.hashedUpTo = size;
  }
  const actual = session.hash.digest('hex');
  delete session.hash;
  if (actual !== expected.hex) {
    // Start again from nothing next time; the damaged bytes stay only under the partial name.
    record.chunksDone = 0;
    record.bytesDone = 0;
    await ctx.save();
    throw new AppError({
      code: 'checksum-mismatch',
      message: `The file from ${facts.from ?? 'the sender'} did not arrive intact (its checksum does not match), so it was not saved or acknowledged. Try receiving it again; if it keeps happening, ask the sender to send it again.`,
      detail: `${expected.algorithm} expected ${expected.hex}, got ${actual}`,
    });
  }
  // Not saved on its own: place() follows at once, and its first save (the name it tries) carries this. A crash
  // before that finds the last chunk unrecorded and fetches and verifies it again; nothing was placed or acknowledged.
  // Any other way out of the run (pause, cancel, failure) saves the whole record with its state.
  record.verification = { bytes: size, checksum: 'verified', checksumAlgorithm: expected.algorithm, lengthsChecked: true };
}

async function place(ctx: RunContext<DownloadRecord>): Promise<void> {
  const record = ctx.record;
  ctx.showState('verifying', 'Saving the file');
  const folder = record.destinationFolder;
  let savedPath: string | undefined;
  try {
    if (record.placingAs !== undefined) {
      savedPath = await finishInterruptedPlacement(record.partPath, path.join(folder, record.placingAs), record.placingReserved === true);
    }
    if (savedPath === undefined && !(await fileExists(record.partPath))) {
      // Neither the partial file nor a final one exists (deleted by someone): it has to be received again.
      record.chunksDone = 0;
      record.bytesDone = 0;
      delete record.verification;
      delete record.placingAs;
      delete record.placingReserved;
      await ctx.save();
      throw new AppError({
        code: 'disk-error',
        message: 'The received file disappeared before it was saved, so MESH Desktop will receive it again.',
        detail: `missing ${record.partPath}`,
        transient: true,
      });
    }
    savedPath ??= await placeWithoutOverwrite(record.partPath, folder, downloadFileName(record), {
      trying: async (name) => {
        record.placingAs = name;
        record.placingReserved = false;
        await ctx.save();
      },
      reserved: async () => {
        record.placingReserved = true;
        await ctx.save();
      },
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fileSystemError(error, folder, 'write');
  }
  // Saved by describe(), which follows at once: a crash before it finds placingAs in the journal and
  // finishInterruptedPlacement() knows the file by it (linked to the partial file, or alone once that is removed).
  record.savedPath = savedPath;
  record.savedAt = ctx.clock().toISOString();
  try {
    await removePartial(record.partPath);
  } catch (error) {
    ctx.log.warn('Could not remove the partial file after saving', { transferId: record.id, error: String(error) });
  }
}

async function describe(ctx: RunContext<DownloadRecord>): Promise<void> {
  const record = ctx.record;
  const savedPath = record.savedPath as string;
  try {
    record.sidecarPath = await writeSidecar(
      savedPath,
      buildSidecar(record, record.facts as ReceivedMessageFacts, savedPath, record.verification!),
    );
  } catch (error) {
    throw fileSystemError(error, `${savedPath}.mesh.json`, 'write');
  }
  await ctx.save();
}

/** Acknowledges a saved download and notes it in the sidecar. */
export async function acknowledgeSaved(ctx: RunContext<DownloadRecord>): Promise<void> {
  const record = ctx.record;
  await ctx.client.acknowledge(record.messageId);
  // Left to the "done" save that follows (runDownload is the only caller): a crash in between acknowledges again,
  // which MESH takes as the same request, and the journal already says the file is saved with its sidecar.
  record.acknowledgedAt = ctx.clock().toISOString();
  if (record.savedPath && record.sidecarPath && record.facts && record.verification) {
    try {
      await writeSidecar(record.savedPath, buildSidecar(record, record.facts, record.savedPath, record.verification));
    } catch (error) {
      ctx.log.warn('Could not note the acknowledgement in the sidecar', { transferId: record.id, error: String(error) });
    }
  }
}

/** Runs a download from wherever its journal record says it stopped until it is finished. */
export async function runDownload(ctx: RunContext<DownloadRecord>, session: DownloadSession): Promise<void> {
  for (;;) {
    const step = nextDownloadStep(ctx.record);
    if (step.step === 'finished') return;
    throwIfAborted(ctx.signal);
    switch (step.step) {
      case 'fetch':
        if (ctx.record.state !== 'running') await ctx.setState('running');
        await fetchChunks(ctx, session);
        break;
      case 'verify':
        await verify(ctx, session);
        break;
      case 'place':
        await place(ctx);
        break;
      case 'describe':
        await describe(ctx);
        break;
      case 'acknowledge':
        await acknowledgeSaved(ctx);
        break;
    }
  }
}
