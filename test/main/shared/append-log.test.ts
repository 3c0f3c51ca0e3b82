import { appendFile, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendLog } from '../../../main/shared/append-log';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'append-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AppendLog', () => {
  it('reads back what was appended, in order, also from a folder it had to make', async () => {
    const log = new AppendLog(join(dir, 'new', 'x.jsonl'));
    await Promise.all([log.append({ n: 1 }), log.append({ n: 2 }), log.append({ n: 3 })]);
    const contents = await new AppendLog(log.file).read();
    expect(contents.entries).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(contents.tornTail).toBe(false);
    expect(contents.bytes).toBe(log.bytes);
  });

  it('leaves out a torn last line and damaged lines, and says so', async () => {
    const file = join(dir, 'x.jsonl');
    await writeFile(file, '{"n":1}\nnot json\n{"n":2}\n{"n":');
    const contents = await new AppendLog(file).read();
    expect(contents.entries).toEqual([{ n: 1 }, { n: 2 }]);
    expect(contents.tornTail).toBe(true);
    expect(contents.unreadableLines).toBe(1);
  });

  it('keeps appends made during a compaction for the new log', async () => {
    const file = join(dir, 'x.jsonl');
    const log = new AppendLog(file);
    await log.append({ n: 1 });
    let during: Promise<void> | undefined;
    await log.compact(async () => {
      during = log.append({ n: 2 });
      await writeFile(join(dir, 'snapshot.json'), '[1]');
    });
    await during;
    expect((await new AppendLog(file).read()).entries).toEqual([{ n: 2 }]);
  });

  it('rejects an append that could not be written', async () => {
    await writeFile(join(dir, 'file'), '');
    const log = new AppendLog(join(dir, 'file', 'x.jsonl'));
    await expect(log.append({ n: 1 })).rejects.toThrow();
    await appendFile(join(dir, 'file'), 'still a file');
    expect(await readFile(join(dir, 'file'), 'utf8')).toBe('still a file');
  });
});

describe('AppendLog keeps its file open while appends keep coming', () => {
  /** Whether this process holds the file open (Linux lists a process's open files in /proc). */
  async function heldOpen(file: string): Promise<boolean> {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(join('/proc/self/fd', fd)).catch(() => '')));
    return targets.includes(file);
  }

  // Skipped off Linux: only there does a process list its open files where a test can read them (/proc/self/fd).
  it.skipIf(process.platform !== 'linux')(
    'holds one handle across a burst, closes it once idle, and closes it before a compaction removes the file',
    async () => {
      const file = join(dir, 'x.jsonl');
      const log = new AppendLog(file);
      await log.append({ n: 1 });
      await log.append({ n: 2 });
      expect(await heldOpen(file)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      expect(await heldOpen(file)).toBe(false);
      await log.append({ n: 3 });
      expect(await heldOpen(file)).toBe(true);
      await log.compact(async () => {});
      expect(await heldOpen(file)).toBe(false);
      // The next append makes a new file under the same name, and only its line is in it.
      await log.append({ n: 4 });
      expect((await new AppendLog(file).read()).entries).toEqual([{ n: 4 }]);
    },
  );
});
