import { describe, expect, it } from 'vitest';
import { parseChunkRange } from '../../../main/sandbox/chunk-range';

describe('parseChunkRange', () => {
  it('treats a missing header on the first chunk as 1:1', () => {
    expect(parseChunkRange(undefined, 1)).toEqual({ ok: true, chunk: 1, total: 1 });
    expect(parseChunkRange('  ', 1)).toEqual({ ok: true, chunk: 1, total: 1 });
  });

  it('refuses a missing header on a later chunk', () => {
    expect(parseChunkRange(undefined, 2).ok).toBe(false);
  });

  it.each([
    ['1:1', 1, 1, 1],
    ['1:5', 1, 1, 5],
    ['3:5', 3, 3, 5],
    ['5:5', 5, 5, 5],
    [' 2 : 4 ', 2, 2, 4],
  ])('accepts %j for chunk %i', (header, requestChunk, chunk, total) => {
    expect(parseChunkRange(header, requestChunk)).toEqual({ ok: true, chunk, total });
  });

  it.each([
    ['2', 1, 'bad headers'],
    ['1:2:3', 1, 'bad headers'],
    ['a:2', 1, 'numeric'],
    ['1.5:2', 1, 'numeric'],
    ['0:2', 1, 'chunk range'],
    ['3:2', 3, 'chunk range'],
    ['-1:2', 1, 'chunk range'],
    ['2:3', 1, 'does not match'],
  ])('refuses %j for chunk %i (%s)', (header, requestChunk, reason) => {
    const result = parseChunkRange(header, requestChunk);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
