/**
 * Receiving one message into a file that can be trusted.
 *
 * Chunks are fetched one after another and appended to a partial file
 * (<messageId>.mesh.part) in the destination folder; after each chunk the
 * partial file is flushed to disk and only then is the chunk recorded, so a
 * resumed download cuts the partial file back to the recorded offset and
 * carries on. The flush of chunk k runs while chunk k+1 is on the wire (a
 * flush of 75 MiB takes tens of milliseconds in which the connection would
 * otherwise sit idle); chunk k+1 is recorded only after chunk k's record. Then the file is verified (lengths, the sender's checksum when
 * we recognise it), given its final name without overwriting anything, its
 * sidecar written, and only then — if the mailbox acknowledges after saving —
 * acknowledged.
 *
 * Why chunks are fetched sequentially rather than in parallel: a chunk's
 * offset in the file is the total size of the chunks before it, and that is
 * not known in advance — MESH announces neither the message size nor chunk
 * sizes, and gzip transfer encoding hides the decoded length until the chunk
 * has been read. Parallel fetching would need each chunk in its own temporary
 * file and a second copy of every byte, doubling disk use and I/O for a 20 GB
 * message. A strictly growing prefix also makes "resume from the last
 * complete chunk" exact. Throughput comes instead from several transfers at
 * once (the engine's concurrency) and large streamed writes.
 */
import type { Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { transportFailureToAppError } from '../mesh/errors';
import { IO_BLOCK_SIZE, fileSystemError } from '../mesh/file-io';
import { AppError } from '../shared/errors';
import { createChecksumHash, hashFilePrefix, parseChecksum } from './checksum';
import { buildSidecar, finishInterruptedPlacement, placeWithoutOverwrite, removePartial, writeSidecar } from './file-placement';
import { factsFromMetadata } from './inbox';
import { nextDownloadStep } from './recovery';
import { abortedError, throwIfAborted, type RunContext } from './run-context';
import { safeFileName } from './safe-file-name';
import type { DownloadRecord, ReceivedMessageFacts } from './types';

/** What survives between attempts of one download within this run: the running checksum. */
export interface DownloadSession {
  hash?: Hash;
  /** Bytes of the partial file already fed into hash. */
  hashedUpTo: number;
}

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

/** Streams one chunk's body into the partial file at offset; returns the bytes written. */
async function writeChunk(
  ctx: RunContext<DownloadRecord>,
  session: DownloadSession,
  body: NodeJS.ReadableStream & { destroy(): void },
  offset: number,
  onBytes: (written: number) => void,
): Promise<number> {
  const partPath = ctx.record.partPath;
  let written = 0;
  const hash = session.hash;
  // A copy of the checksum before this chunk: a failed chunk must not leave its bytes in it.
  const before = hash?.copy();
  const counter = new Transform({
    highWaterMark: IO_BLOCK_SIZE,
    transform(block: Buffer, _encoding, callback) {
      written += block.length;
      hash?.update(block);
      onBytes(written);
      callback(null, block);
    },
  });
  let writeError: unknown;
  const output = createWriteStream(partPath, { flags: 'r+', start: offset, highWaterMark: IO_BLOCK_SIZE });
  output.once('error', (error) => {
    writeError = error;
  });
  try {
    await pipeline(body, counter, output, { signal: ctx.signal });
    session.hashedUpTo = offset + written;
    return written;
  } catch (error) {
    body.destroy();
    if (before) session.hash = before;
    else delete session.hash;
    session.hashedUpTo = offset;
    if (ctx.signal.aborted) throw abortedError(ctx.signal);
    if (writeError !== undefined) throw fileSystemError(writeError, partPath, 'write');
    const code = (error as NodeJS.ErrnoException)?.code;
    if (code && FILE_SYSTEM_CODES.has(code)) throw fileSystemError(error, partPath, 'write');
    throw describeStreamFailure(error);
  }
}

async function fetchChunks(ctx: RunContext<DownloadRecord>, session: DownloadSession): Promise<void> {
  const record = ctx.record;
  await preparePartialFile(ctx);
  let offset = record.chunksDone === 0 ? 0 : record.bytesDone;
  await alignChecksum(ctx, session, record.chunksDone === 0 ? undefined : record.facts, offset);
  // The previous chunk's flush and record, running while this chunk downloads.
  let committing: Promise<void> = Promise.resolve();
  try {
    for (let k = record.chunksDone + 1; ; k++) {
      throwIfAborted(ctx.signal);
      const knownTotal = record.facts?.chunkCount;
      ctx.progress(offset, undefined, knownTotal ? { k, n: Math.max(k, knownTotal) } : undefined);
      const chunk = await ctx.client.downloadChunk(record.messageId, k, { signal: ctx.signal });
      if (k === 1 || !record.facts) {
        record.facts = factsFromMetadata(chunk.metadata, record.messageId);
        record.receivedAt ??= ctx.clock().toISOString();
        await alignChecksum(ctx, session, record.facts, offset);
      }
      const n = Math.max(k, chunk.metadata.chunk.n);
      const start = offset;
      const written = await writeChunk(ctx, session, chunk.body, offset, (bytes) => ctx.progress(start + bytes, undefined, { k, n }));
      // Plain bodies must match their Content-Length; gzip ones carry their own length and CRC, which gunzip checks.
      const encoded = chunk.metadata.contentEncoding !== undefined && chunk.metadata.contentEncoding !== 'identity';
      if (!encoded && chunk.metadata.contentLength !== undefined && written !== chunk.metadata.contentLength) {
        throw new AppError({
          code: 'protocol-error',
          message: 'Part of the file arrived damaged from MESH. MESH Desktop will fetch it again.',
          detail: `chunk ${k}: wrote ${written} bytes, Content-Length ${chunk.metadata.contentLength}`,
          transient: true,
        });
      }
      offset += written;
      const last = chunk.status === 200 || k >= chunk.metadata.chunk.n;
      // Chunk k is recorded only once chunk k-1 is (records only ever move forward by one).
      await committing;
      committing = commitChunk(ctx, k, offset, last ? k : n);
      committing.catch(() => {}); // awaited below or by the next chunk; never left unhandled meanwhile
      ctx.progress(offset, last ? offset : undefined, { k, n: last ? k : n });
      if (last) return await committing;
    }
  } finally {
    // A failed or stopped download must not return while a record write is pending: a retry would read the
    // record before it lands and cut the partial file back to the wrong length.
    await committing.catch(() => {});
  }
}

/** Flushes the partial file, then records chunk k as done: what makes a chunk survive a power cut. */
async function commitChunk(ctx: RunContext<DownloadRecord>, k: number, bytesDone: number, chunkCount: number): Promise<void> {
  const record = ctx.record;
  try {
    await flushToDisk(record.partPath);
  } catch (error) {
    throw fileSystemError(error, record.partPath, 'write');
  }
  (record.facts as ReceivedMessageFacts).chunkCount = chunkCount;
  record.chunksDone = k;
  record.bytesDone = bytesDone;
  await ctx.save();
}

async function verify(ctx: RunContext<DownloadRecord>, session: DownloadSession): Promise<void> {
  const record = ctx.record;
  const facts = record.facts as ReceivedMessageFacts;
  await ctx.setState('verifying');
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
    record.verification = { bytes: size, checksum: 'not-checked', lengthsChecked: true };
    await ctx.save();
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
  record.verification = { bytes: size, checksum: 'verified', checksumAlgorithm: expected.algorithm, lengthsChecked: true };
  await ctx.save();
}

async function place(ctx: RunContext<DownloadRecord>): Promise<void> {
  const record = ctx.record;
  await ctx.setState('verifying', 'Saving the file');
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
  record.savedPath = savedPath;
  record.savedAt = ctx.clock().toISOString();
  await ctx.save();
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
  record.acknowledgedAt = ctx.clock().toISOString();
  await ctx.save();
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
