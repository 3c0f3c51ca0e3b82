import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSystemError, readFileBlocks } from '../../../main/mesh/file-io';

describe('readFileBlocks', () => {
  let dir: string;
  let file: string;
  const content = randomBytes(50_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-io-'));
    file = join(dir, 'source.bin');
    writeFileSync(file, content);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Each block copied as it arrives, the way a consumer that is done with it before asking for the next sees it. */
  async function collect(blocks: AsyncIterable<Uint8Array>): Promise<{ bytes: Buffer; sizes: number[]; memories: Set<ArrayBufferLike> }> {
    const parts: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    for await (const block of blocks) {
      parts.push(Buffer.from(block));
      memories.add(block.buffer);
    }
    return { bytes: Buffer.concat(parts), sizes: parts.map((p) => p.length), memories };
  }

  it('gives exactly the bytes of the range, in blocks of the size asked for', async () => {
    const { bytes, sizes } = await collect(readFileBlocks(file, 123, 10_123, 4096));
    expect(bytes.equals(content.subarray(123, 10_123))).toBe(true);
    expect(sizes).toEqual([4096, 4096, 1808]);
  });

  it('reads into two buffers in turn, however many blocks the range has', async () => {
    const { bytes, memories } = await collect(readFileBlocks(file, 0, content.length, 1000));
    expect(bytes.equals(content)).toBe(true);
    expect(memories.size).toBe(2);
  });

  it('keeps a block unchanged until the next one is asked for, while the one after is read ahead', async () => {
    const blocks = readFileBlocks(file, 0, 3000, 1000);
    const first = (await blocks.next()).value as Buffer;
    // Give the read-ahead time to land in the other buffer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Buffer.from(first).equals(content.subarray(0, 1000))).toBe(true);
    const second = (await blocks.next()).value as Buffer;
    expect(Buffer.from(second).equals(content.subarray(1000, 2000))).toBe(true);
    await blocks.return(undefined);
  });

  it('yields nothing for an empty range and opens no file', async () => {
    expect((await collect(readFileBlocks(join(dir, 'missing.bin'), 10, 10))).bytes.length).toBe(0);
  });

  it('fails with the file system code for a missing file, which reads as a missing file to a person', async () => {
    const error = await collect(readFileBlocks(join(dir, 'missing.bin'), 0, 10)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect(fileSystemError(error, 'missing.bin', 'read')).toMatchObject({ code: 'file-not-found' });
  });

  it('fails, rather than ending early, when the file is shorter than the range: it changed while being sent', async () => {
    const error = await collect(readFileBlocks(file, 0, content.length + 10, 4096)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ESHORT' });
    const forPerson = fileSystemError(error, 'source.bin', 'read');
    expect(forPerson).toMatchObject({ code: 'file-changed' });
    expect(forPerson.message).toContain('source.bin became shorter');
  });

  async function openCount(path: string): Promise<number> {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(join('/proc/self/fd', fd)).catch(() => '')));
    return targets.filter((target) => target === path).length;
  }

  // Skipped off Linux: only there does a process list its open files where a test can read them (/proc/self/fd).
  it.skipIf(process.platform !== 'linux')('closes the file when the consumer stops early, after the read in flight', async () => {
    const blocks = readFileBlocks(file, 0, content.length, 1000);
    await blocks.next();
    expect(await openCount(file)).toBe(1);
    await blocks.return(undefined);
    expect(await openCount(file)).toBe(0);
    await collect(readFileBlocks(file, 0, content.length, 1000));
    expect(await openCount(file)).toBe(0);
  });
});
