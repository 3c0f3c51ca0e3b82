// The whole-file hash on its own thread: the same digest as hashing here, the file's own error when it cannot be
// read, and a stop that takes effect at once.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFileOnThread } from '../../../main/transfers/file-hash-thread';

const dir = mkdtempSync(join(tmpdir(), 'hash-thread-'));

describe('hashFileOnThread', () => {
  it('gives the digest, size and modification time of the file, whatever its size against the block', async () => {
    for (const size of [0, 1, 4096, 4096 * 3, 4096 * 3 + 17]) {
      const bytes = randomBytes(size);
      const path = join(dir, `file-${size}.bin`);
      writeFileSync(path, bytes);
      const result = await hashFileOnThread(path, 'sha256', { blockSize: 4096 });
      expect(result).toEqual({
        hex: createHash('sha256').update(bytes).digest('hex'),
        size,
        mtimeMs: statSync(path).mtimeMs,
      });
    }
  });

  it('works out the other algorithms too', async () => {
    const bytes = randomBytes(10_000);
    const path = join(dir, 'md5.bin');
    writeFileSync(path, bytes);
    expect((await hashFileOnThread(path, 'md5')).hex).toBe(createHash('md5').update(bytes).digest('hex'));
  });

  it('rejects with the file system error and its code when the file cannot be read', async () => {
    await expect(hashFileOnThread(join(dir, 'missing.bin'), 'sha256')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(hashFileOnThread(dir, 'sha256')).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('gives up at once when its signal is aborted, with the signal’s reason', async () => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, randomBytes(64 * 1024 * 1024));
    const controller = new AbortController();
    const job = hashFileOnThread(path, 'sha256', { signal: controller.signal, blockSize: 4096 });
    const reason = new Error('stopped by the person');
    controller.abort(reason);
    await expect(job).rejects.toBe(reason);
    await expect(hashFileOnThread(path, 'sha256', { signal: controller.signal })).rejects.toBe(reason);
  });
});
