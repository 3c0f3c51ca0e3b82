import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError } from '../shared/errors';

/** Reads and writes in 1 MiB blocks: far fewer syscalls than Node's 64 KiB default on multi-GB files. */
export const IO_BLOCK_SIZE = 1024 * 1024;

/** A stream of bytes [start, end) of a file, read in large blocks. */
export function readFileRange(path: string, start: number, end: number): Readable {
  // createReadStream's end is inclusive, so it cannot express an empty range.
  if (end <= start) return Readable.from([]);
  return createReadStream(path, { start, end: end - 1, highWaterMark: IO_BLOCK_SIZE });
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
