import { AppError } from '../shared/errors';

const MiB = 1024 * 1024;

/**
 * Default raw bytes per chunk: 75 MiB, the same as NHS's Python client.
 *
 * Why not NHS's AWS client's 20 MiB: MESH only needs chunking above its
 * 100 MB request limit, and some recipients (the MESH web UI, older Java
 * clients) cannot reassemble chunked messages. At 75 MiB every file up to
 * 75 MiB travels as one ordinary message, so those recipients still get it.
 * It also keeps a 20 GB file to about 270 requests. Even incompressible data
 * gzipped grows by well under 1%, so a compressed chunk stays far below 100 MB.
 * The cost — a failed chunk re-sends up to 75 MiB, and compressing ahead holds
 * two chunks in temporary files — is acceptable for office links.
 */
export const DEFAULT_CHUNK_SIZE = 75 * MiB;

/** Every chunk except the last must be larger than 5 MB (MESH API v2); 5 MiB clears that. */
export const MIN_CHUNK_SIZE = 5 * MiB;

/**
 * MESH accepts at most 100 MB (10^8 bytes) per request. 95 MiB (99,614,720
 * bytes) leaves room for gzip's worst-case growth on incompressible data.
 */
export const MAX_CHUNK_SIZE = 95 * MiB;

/** One chunk of a file: bytes [start, end) of the raw file; number is 1-based. */
export interface ChunkRange {
  number: number;
  start: number;
  end: number;
  length: number;
}

function invalidChunkSize(message: string, detail: string): AppError {
  return new AppError({ code: 'invalid-argument', message, detail });
}

/**
 * Checks a configured chunk size. Sizes under the MESH minimum are only
 * allowed with allowBelowMinimum, which exists for tests and the sandbox.
 */
export function validateChunkSize(chunkSize: number, options: { allowBelowMinimum?: boolean } = {}): AppError | undefined {
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
    return invalidChunkSize('The chunk size must be a whole number of bytes above zero.', `chunkSize=${chunkSize}`);
  }
  if (chunkSize > MAX_CHUNK_SIZE) {
    return invalidChunkSize(
      `The chunk size is too large: MESH accepts at most 100 MB per request, so use ${MAX_CHUNK_SIZE / MiB} MiB or less.`,
      `chunkSize=${chunkSize} > ${MAX_CHUNK_SIZE}`,
    );
  }
  if (chunkSize < MIN_CHUNK_SIZE && !options.allowBelowMinimum) {
    return invalidChunkSize(
      `The chunk size is too small: MESH needs every chunk except the last to be larger than 5 MB, so use ${MIN_CHUNK_SIZE / MiB} MiB or more.`,
      `chunkSize=${chunkSize} < ${MIN_CHUNK_SIZE}`,
    );
  }
  return undefined;
}

/**
 * Splits a file of fileSize bytes into consecutive chunks of chunkSize (the
 * last one shorter). An empty file is one empty chunk. The chunk size is not
 * validated here: call validateChunkSize first.
 */
export function planChunks(fileSize: number, chunkSize: number): ChunkRange[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError(`fileSize must be a non-negative integer, got ${fileSize}`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  const count = Math.max(1, Math.ceil(fileSize / chunkSize));
  const chunks: ChunkRange[] = [];
  for (let index = 0; index < count; index++) {
    const start = index * chunkSize;
    const end = Math.min(fileSize, start + chunkSize);
    chunks.push({ number: index + 1, start, end, length: end - start });
  }
  return chunks;
}
