// Files for the benchmarks: making incompressible ones and hashing them, streamed.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const MiB = 1024 * 1024;

/** SHA-256 (hex) of a file, read in 4 MiB blocks. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** SHA-256 and total size of several files read one after another, as one stream of bytes. */
export async function sha256OfConcatenation(paths: readonly string[]): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for (const path of paths) {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 * MiB })) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * A file of `bytes` from a repeated 8 MiB random block (or the one given): incompressible to gzip's 32 KiB window.
 * Resolves with its SHA-256, hashed as it is written, so a 20 GiB file is not read back to learn it.
 */
export async function makeLargeFile(path: string, bytes: number, block: Buffer = randomBytes(8 * MiB)): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < bytes;) {
      const n = Math.min(block.length, bytes - written);
      hash.update(block.subarray(0, n));
      await file.write(block, 0, n);
      written += n;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** The chunk files the emulator's disk store holds for a message, in chunk order. */
export async function storedChunkFiles(store: string, messageId: string): Promise<string[]> {
  const folder = join(store, 'chunks', messageId);
  const names = (await readdir(folder)).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(a) - Number(b));
  return names.map((name) => join(folder, name));
}
