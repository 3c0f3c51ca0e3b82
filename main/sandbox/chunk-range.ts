/**
 * The `mex-Chunk-Range: k:n` header, validated as NHS's sandbox does
 * (handlers/outbox.py get_chunk_range): absent means 1:1 on the first chunk,
 * otherwise 0 < k <= n and k must equal the chunk number in the URL.
 */

export type ChunkRangeResult = { ok: true; chunk: number; total: number } | { ok: false; reason: string };

/** Parses and checks a chunk range header against the chunk number the request is for. */
export function parseChunkRange(header: string | undefined, requestChunk: number): ChunkRangeResult {
  const value = (header ?? '').trim();
  if (value === '') {
    return requestChunk === 1 ? { ok: true, chunk: 1, total: 1 } : { ok: false, reason: 'header does not match url' };
  }
  const parts = value.split(':');
  if (parts.length !== 2) return { ok: false, reason: 'bad headers' };
  const numbers = parts.map((part) => part.trim());
  if (!numbers.every((part) => /^[+-]?\d+$/.test(part))) {
    return { ok: false, reason: 'bad header value - chunk values should be numeric' };
  }
  const [chunk, total] = numbers.map(Number) as [number, number];
  if (!(chunk > 0 && chunk <= total)) return { ok: false, reason: 'bad header value - chunk range' };
  if (chunk !== requestChunk) return { ok: false, reason: 'header does not match url' };
  return { ok: true, chunk, total };
}
