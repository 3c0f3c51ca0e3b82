import { describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, planChunks, validateChunkSize } from '../../../main/mesh/chunks';

const MiB = 1024 * 1024;

describe('chunk size limits', () => {
  it('keeps every non-final chunk above 5 MB and every request under 100 MB', () => {
    expect(MIN_CHUNK_SIZE).toBeGreaterThan(5_000_000);
    expect(MAX_CHUNK_SIZE).toBeLessThan(100_000_000);
    expect(DEFAULT_CHUNK_SIZE).toBeGreaterThanOrEqual(MIN_CHUNK_SIZE);
    expect(DEFAULT_CHUNK_SIZE).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
  });
});

describe('validateChunkSize', () => {
  it('accepts the default and the limits', () => {
    expect(validateChunkSize(DEFAULT_CHUNK_SIZE)).toBeUndefined();
    expect(validateChunkSize(MIN_CHUNK_SIZE)).toBeUndefined();
    expect(validateChunkSize(MAX_CHUNK_SIZE)).toBeUndefined();
  });
  it('refuses sizes under the minimum unless explicitly allowed', () => {
    expect(validateChunkSize(MIN_CHUNK_SIZE - 1)?.message).toContain('too small');
    expect(validateChunkSize(MiB)?.code).toBe('invalid-argument');
    expect(validateChunkSize(MiB, { allowBelowMinimum: true })).toBeUndefined();
    expect(validateChunkSize(1, { allowBelowMinimum: true })).toBeUndefined();
  });
  it('refuses sizes over the maximum even when small ones are allowed', () => {
    expect(validateChunkSize(MAX_CHUNK_SIZE + 1)?.message).toContain('too large');
    expect(validateChunkSize(100 * MiB, { allowBelowMinimum: true })?.code).toBe('invalid-argument');
  });
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (size) => {
    expect(validateChunkSize(size, { allowBelowMinimum: true })?.code).toBe('invalid-argument');
  });
});

describe('planChunks', () => {
  it('gives one empty chunk for an empty file', () => {
    expect(planChunks(0, 10)).toEqual([{ number: 1, start: 0, end: 0, length: 0 }]);
  });
  it('gives one chunk when the file fits', () => {
    expect(planChunks(7, 10)).toEqual([{ number: 1, start: 0, end: 7, length: 7 }]);
    expect(planChunks(10, 10)).toEqual([{ number: 1, start: 0, end: 10, length: 10 }]);
  });
  it('splits with a shorter last chunk', () => {
    expect(planChunks(25, 10)).toEqual([
      { number: 1, start: 0, end: 10, length: 10 },
      { number: 2, start: 10, end: 20, length: 10 },
      { number: 3, start: 20, end: 25, length: 5 },
    ]);
  });
  it('does not add an empty chunk after an exact multiple', () => {
    expect(planChunks(20, 10).map((chunk) => chunk.number)).toEqual([1, 2]);
    expect(planChunks(21, 10).map((chunk) => chunk.length)).toEqual([10, 10, 1]);
  });
  it('covers a 20 GB file contiguously with the default size', () => {
    const size = 20 * 1024 * MiB;
    const plan = planChunks(size, DEFAULT_CHUNK_SIZE);
    expect(plan.length).toBe(Math.ceil(size / DEFAULT_CHUNK_SIZE));
    expect(plan.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(size);
    for (let index = 1; index < plan.length; index++) expect(plan[index]?.start).toBe(plan[index - 1]?.end);
  });
  it('rejects nonsense sizes', () => {
    expect(() => planChunks(-1, 10)).toThrow(RangeError);
    expect(() => planChunks(10, 0)).toThrow(RangeError);
    expect(() => planChunks(1.5, 10)).toThrow(RangeError);
  });
});
