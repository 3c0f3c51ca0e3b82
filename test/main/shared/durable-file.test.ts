import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTemporaryName, moveFile, temporaryName, writeFileAtomic } from '../../../main/shared/durable-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'durable-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('durable files', () => {
  it('writes under one fixed temporary name, which the listing skips', () => {
    expect(temporaryName(join(dir, 'report.csv.mesh.json'))).toBe(join(dir, '.report.csv.mesh.json.tmp'));
    expect(isTemporaryName('.report.csv.mesh.json.tmp')).toBe(true);
    expect(isTemporaryName('report.csv')).toBe(false);
  });

  it('takes over the temporary file a crash left and leaves nothing beside the file', async () => {
    const target = join(dir, 'a.json');
    await writeFile(temporaryName(target), '{"half":');
    await writeFileAtomic(target, '{"whole":true}');
    expect(await readFile(target, 'utf8')).toBe('{"whole":true}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('keeps concurrent writes of one file whole, the last one winning', async () => {
    const target = join(dir, 'b.json');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(target, JSON.stringify({ i, pad: 'x'.repeat(10_000) }))));
    expect(JSON.parse(await readFile(target, 'utf8'))).toMatchObject({ i: 19 });
    expect(await readdir(dir)).toEqual(['b.json']);
  });

  it('moves a file over its target', async () => {
    await writeFile(join(dir, 'from'), 'new');
    await writeFile(join(dir, 'to'), 'old');
    await moveFile(join(dir, 'from'), join(dir, 'to'));
    expect(await readFile(join(dir, 'to'), 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['to']);
  });
});
