/**
 * A message store for benchmarks of very large files: it holds no bodies, only
 * where each chunk sits in a known pattern (one block of random bytes repeated,
 * as the benchmarks make their files), and serves the same bytes back from the
 * pattern. A 20 GiB message then costs the emulator neither 20 GiB of memory nor
 * 20 GiB of disk. Every byte that arrives is compared with the pattern, so what
 * it serves is what it received; a chunk that is not the pattern is refused.
 */
import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { MessageStore } from './message-store';

/** Enough bytes of random data to place a chunk in the block at exactly one offset. */
const NEEDLE = 64;
/** Served in pieces no larger than this (views of the block, never copies). */
const PIECE = 1024 * 1024;

interface PlacedChunk {
  /** Offset in the block of the chunk's first byte. */
  phase: number;
  size: number;
}

export class PatternMessageStore implements MessageStore {
  private readonly chunks = new Map<string, Map<number, PlacedChunk>>();
  /** The block followed by its own start, so a needle that wraps round the end is still found. */
  private readonly wrapped: Buffer;

  constructor(private readonly block: Buffer) {
    if (block.length < NEEDLE)
      throw new AppError({ code: 'invalid-argument', message: `The pattern file must hold at least ${NEEDLE} bytes.` });
    this.wrapped = Buffer.concat([block, block.subarray(0, NEEDLE)]);
  }

  async loadMessages() {
    return [];
  }

  async saveMessage(): Promise<void> {}

  async writeChunk(messageId: string, chunkNumber: number, source: Readable): Promise<number> {
    let phase: number | undefined;
    let at = 0;
    let size = 0;
    let head: Buffer[] = [];
    let headSize = 0;
    const refuse = () =>
      new AppError({
        code: 'invalid-argument',
        message: `Chunk ${chunkNumber} of ${messageId} is not the benchmark's pattern: this emulator's pattern store holds nothing else.`,
      });
    const check = (bytes: Buffer) => {
      for (let i = 0; i < bytes.length;) {
        const n = Math.min(bytes.length - i, this.block.length - at);
        if (!bytes.subarray(i, i + n).equals(this.block.subarray(at, at + n))) throw refuse();
        i += n;
        at = (at + n) % this.block.length;
      }
    };
    const place = (start: Buffer) => {
      const found = this.wrapped.indexOf(start.subarray(0, NEEDLE));
      if (found < 0) throw refuse();
      phase = found;
      at = found;
      check(start);
    };
    for await (const part of source) {
      const bytes = Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array);
      size += bytes.length;
      if (phase !== undefined) {
        check(bytes);
        continue;
      }
      head.push(bytes);
      headSize += bytes.length;
      if (headSize >= NEEDLE) {
        place(Buffer.concat(head));
        head = [];
      }
    }
    // A chunk shorter than the needle is placed by what it has.
    if (phase === undefined && headSize > 0) place(Buffer.concat(head));
    let message = this.chunks.get(messageId);
    if (!message) {
      message = new Map();
      this.chunks.set(messageId, message);
    }
    message.set(chunkNumber, { phase: phase ?? 0, size });
    return size;
  }

  async openChunk(messageId: string, chunkNumber: number): Promise<Readable | undefined> {
    const chunk = this.chunks.get(messageId)?.get(chunkNumber);
    if (!chunk) return undefined;
    const block = this.block;
    function* pieces() {
      let at = chunk!.phase;
      for (let left = chunk!.size; left > 0;) {
        const n = Math.min(left, PIECE, block.length - at);
        yield block.subarray(at, at + n);
        left -= n;
        at = (at + n) % block.length;
      }
    }
    return Readable.from(pieces(), { objectMode: false });
  }

  async deleteMessage(messageId: string): Promise<void> {
    this.chunks.delete(messageId);
  }

  async clear(): Promise<void> {
    this.chunks.clear();
  }
}
