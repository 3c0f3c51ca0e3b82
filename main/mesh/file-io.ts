import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError } from '../shared/errors';

/** Reads and writes in 1 MiB blocks: far fewer syscalls than Node's 64 KiB default on multi-GB files. */
export const IO_BLOCK_SIZE = 1024 * 1024;

/**
 * A stream of bytes [start, end) of a file, read in large blocks: gzipFileRange's input. Not readFileBlocks, whose
 * buffers are reused: pipeline() hands a block to zlib without waiting for zlib to finish with it.
 */
function readFileRange(path: string, start: number, end: number): Readable {
  // createReadStream's end is inclusive, so it cannot express an empty range.
  if (end <= start) return Readable.from([]);
  return createReadStream(path, { start, end: end - 1, highWaterMark: IO_BLOCK_SIZE });
}

/** A request body: blocks of bytes, produced on demand (a fresh one for every attempt of a request). */
export type BodyBlocks = AsyncIterable<Uint8Array>;

/**
 * Bytes [start, end) of a file as blocks read into two buffers used in turn, one read ahead of the block being sent.
 *
 * A stream allocates a new 1 MiB buffer for every read; outside the JS heap, those are freed only by a full
 * collection, which the little else a send allocates sets off only every few dozen MiB. A send held 35–40 MiB more
 * than a download and ran a mark-compact per 57 MiB. Reusing two buffers needs a consumer that has finished with a
 * block when it asks for the next one: the HTTP client's body writer waits for each write's callback (the bytes are
 * with the socket) before it does, and a hash takes a block at once. Nothing may keep a block it was given.
 */
export async function* readFileBlocks(path: string, start: number, end: number, blockSize = IO_BLOCK_SIZE): AsyncGenerator<Buffer> {
  if (end <= start) return;
  const handle = await open(path, 'r');
  const size = Math.min(blockSize, end - start);
  const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)] as const;
  let position = start;
  /** Reads the next block of the range into buffer. */
  const fill = async (buffer: Buffer): Promise<Buffer> => {
    const at = position;
    const length = Math.min(buffer.length, end - at);
    position += length;
    for (let filled = 0; filled < length;) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, at + filled);
      // The file ends before the range does: it was cut short while being read.
      if (bytesRead === 0) throw Object.assign(new Error(`${path} ended at ${at + filled} bytes, before ${end}`), { code: 'ESHORT' });
      filled += bytesRead;
    }
    return buffer.subarray(0, length);
  };
  let closed = false;
  let turn = 0;
  let pending: Promise<Buffer> | undefined = fill(buffers[0]);
  try {
    while (pending) {
      const block = await pending;
      pending = undefined;
      if (position < end) {
        turn = 1 - turn;
        pending = fill(buffers[turn] as Buffer);
        // Awaited on the way round, or in finally when the consumer stops: not an unhandled rejection either way.
        pending.catch(() => undefined);
      } else {
        // Closed before the last block is handed on, so the request can end as soon as that block is written.
        closed = true;
        await handle.close();
      }
      yield block;
    }
  } finally {
    // A read still in flight must finish before its file is closed.
    await pending?.catch(() => undefined);
    if (!closed) await handle.close();
  }
}

/**
 * Gzips bytes [start, end) of a file into its own complete gzip member at
 * target (MESH wants each chunk compressed on its own). Runs in zlib's thread
 * pool; memory stays at a few blocks. Returns the compressed size.
 */
export async function gzipFileRange(
  source: string,
  start: number,
  end: number,
  target: string,
  options: { level?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const gzip = createGzip({ level: options.level ?? 6, chunkSize: 256 * 1024 });
  const output = createWriteStream(target, { highWaterMark: IO_BLOCK_SIZE });
  await pipeline(readFileRange(source, start, end), gzip, output, options.signal ? { signal: options.signal } : {});
  return (await stat(target)).size;
}

/**
 * Watches a pipe from `source` into the file stream `output` for a failure of the file itself; the returned function
 * gives it, or undefined. On Node 24 pipeline() destroys the file stream with the source's own error when the source
 * fails (a download that broke off), so an 'error' on the file stream is no proof the disk failed: only an error the
 * source did not raise is. (On Node 20 the file stream stayed quiet, and a broken-off chunk was retried as it must be.)
 */
export function fileWriteFailure(source: NodeJS.ReadableStream, output: NodeJS.WritableStream): () => unknown {
  let sourceError: unknown;
  let outputError: unknown;
  source.once('error', (error) => {
    sourceError = error;
  });
  output.once('error', (error) => {
    outputError = error;
  });
  return () => (outputError !== undefined && outputError !== sourceError ? outputError : undefined);
}

/** Maps a local file-system failure to an AppError naming the file in plain words. */
export function fileSystemError(error: unknown, path: string, action: 'read' | 'write'): AppError {
  const code = (error as NodeJS.ErrnoException)?.code;
  const detail = `${action} ${path}: ${code ?? ''} ${(error as Error)?.message ?? String(error)}`;
  if (code === 'ENOENT' && action === 'read') {
    return new AppError({
      code: 'file-not-found',
      message: `The file ${path} could not be found. It may have been moved or deleted.`,
      detail,
      cause: error,
    });
  }
  if (code === 'ESHORT' && action === 'read') {
    return new AppError({
      code: 'file-changed',
      message: `${path} became shorter while MESH Desktop was reading it, so MESH Desktop stopped. Try again once nothing else is changing the file.`,
      detail,
      cause: error,
    });
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError({ code: 'disk-full', message: 'The disk is full. Free some space and try again.', detail, cause: error });
  }
  if (action === 'read' && (code === 'EACCES' || code === 'EPERM' || code === 'EISDIR' || code === 'EBUSY')) {
    return new AppError({
      code: 'file-unreadable',
      message: `MESH Desktop is not allowed to read ${path}. Check that the file is not open in another program and that you have permission to read it.`,
      detail,
      cause: error,
    });
  }
  return new AppError({
    code: 'disk-error',
    message:
      action === 'read'
        ? `MESH Desktop could not read ${path}. Check the file and try again.`
        : `MESH Desktop could not save to ${path}. Check that the folder exists and that you have permission to write there.`,
    detail,
    cause: error,
  });
}
