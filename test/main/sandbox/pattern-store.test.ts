// The benchmarks' pattern store keeps only where each chunk sits in the pattern and serves the same bytes back;
// anything else is refused, so what it serves is always what it received.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PatternMessageStore } from '../../../main/sandbox/store/pattern-store';

const block = randomBytes(4096);
/** `length` bytes of the pattern starting `offset` bytes into the message, in parts of `part` bytes. */
function patternBytes(offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[(offset + i) % block.length]!;
  return out;
}
const partsOf = (bytes: Buffer, part: number) => {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += part) parts.push(bytes.subarray(i, i + part));
  return Readable.from(parts, { objectMode: false });
};
async function read(stream: Readable | undefined): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream!) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('PatternMessageStore', () => {
  it('serves back exactly the chunks it received, wherever they start and however they arrived', async () => {
    const store = new PatternMessageStore(block);
    // Chunks of 10,000 bytes (more than the block, so they wrap), the last shorter, arriving in odd-sized parts.
    const chunks = [patternBytes(0, 10_000), patternBytes(10_000, 10_000), patternBytes(20_000, 1_234)];
    for (const [i, chunk] of chunks.entries()) expect(await store.writeChunk('M1', i + 1, partsOf(chunk, 7 + i * 13))).toBe(chunk.length);
    for (const [i, chunk] of chunks.entries()) expect((await read(await store.openChunk('M1', i + 1))).equals(chunk)).toBe(true);
    expect(await store.openChunk('M1', 4)).toBeUndefined();
  });

  it('places a chunk shorter than its search needle, and an empty one', async () => {
    const store = new PatternMessageStore(block);
    const tiny = patternBytes(4090, 20);
    expect(await store.writeChunk('M2', 1, partsOf(tiny, 3))).toBe(20);
    expect((await read(await store.openChunk('M2', 1))).equals(tiny)).toBe(true);
    expect(await store.writeChunk('M3', 1, Readable.from([], { objectMode: false }))).toBe(0);
    expect((await read(await store.openChunk('M3', 1))).length).toBe(0);
  });

  it('refuses a chunk that leaves the pattern, even by one byte far from its start', async () => {
    const store = new PatternMessageStore(block);
    const changed = patternBytes(100, 9_000);
    changed[8_000] = changed[8_000]! ^ 1;
    await expect(store.writeChunk('M4', 1, partsOf(changed, 1000))).rejects.toThrow(/not the benchmark's pattern/);
    await expect(store.writeChunk('M5', 1, partsOf(randomBytes(500), 100))).rejects.toThrow(/not the benchmark's pattern/);
  });

  it('forgets a deleted message', async () => {
    const store = new PatternMessageStore(block);
    await store.writeChunk('M6', 1, partsOf(patternBytes(0, 100), 100));
    await store.deleteMessage('M6');
    expect(await store.openChunk('M6', 1)).toBeUndefined();
  });
});
