import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
