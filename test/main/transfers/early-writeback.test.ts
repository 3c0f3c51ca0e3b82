// Early writeback on a real file: when flushes start, that they never overlap, and that failures stay quiet.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EarlyWriteback } from '../../../main/transfers/early-writeback';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function partialFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'early-writeback-'));
  folders.push(folder);
  const file = join(folder, 'message.mesh.part');
  writeFileSync(file, Buffer.alloc(64 * 1024, 7));
  return file;
}

/** Real flushes, counted, each held until the test lets it finish. */
function heldFlushes() {
  const started: FileHandle[] = [];
  const releases: (() => void)[] = [];
  const sync = async (handle: FileHandle): Promise<void> => {
    started.push(handle);
    await handle.datasync();
    await new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseAll = async (): Promise<void> => {
    for (const release of releases.splice(0)) release();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, sync, releaseAll };
}

/** Long enough for a flush started in the background to reach the file. */
const pause = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writeback on a real partial file that flushes every 1000 bytes, with its flushes held. */
function heldWriteback() {
  const flushes = heldFlushes();
  return { flushes, writeback: new EarlyWriteback(partialFile(), { everyBytes: 1000, sync: flushes.sync }) };
}

describe('EarlyWriteback', () => {
  it('starts a flush once enough bytes have arrived, and not before', async () => {
    const { flushes, writeback } = heldWriteback();
    writeback.wrote(600);
    writeback.wrote(399);
    await pause();
    expect(flushes.started).toHaveLength(0);
    writeback.wrote(1);
    await pause();
    expect(flushes.started).toHaveLength(1);
    await flushes.releaseAll();
    await writeback.close();
  });

  it('never runs two flushes at once, and counts afresh from each flush it starts', async () => {
    const { flushes, writeback } = heldWriteback();
    writeback.wrote(1000);
    await pause();
    writeback.wrote(5000); // arrives while the first flush runs
    await pause();
    expect(flushes.started).toHaveLength(1);
    await flushes.releaseAll();
    writeback.wrote(1000);
    await pause();
    expect(flushes.started).toHaveLength(2);
    expect(flushes.started[1]).toBe(flushes.started[0]); // one file handle for the whole run
    await flushes.releaseAll();
    await writeback.close();
  });

  it('closing waits for the flush in progress and starts no more', async () => {
    const { flushes, writeback } = heldWriteback();
    writeback.wrote(1000);
    await pause();
    let closed = false;
    const closing = writeback.close().then(() => (closed = true));
    await pause();
    expect(closed).toBe(false);
    await flushes.releaseAll();
    await closing;
    expect(closed).toBe(true);
    writeback.wrote(10_000);
    await pause();
    expect(flushes.started).toHaveLength(1);
  });

  it('reports a flush that fails (here: the file is gone) without throwing, and tries again later', async () => {
    const errors: unknown[] = [];
    const writeback = new EarlyWriteback(join(partialFile(), '..', 'missing.part'), { everyBytes: 10, onError: (e) => errors.push(e) });
    writeback.wrote(10);
    await pause(50);
    writeback.wrote(10);
    await writeback.close();
    expect(errors).toHaveLength(2);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
