import { link, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishInterruptedPlacement, placeWithoutOverwrite, removePartial, sameFile } from '../../../main/transfers/file-placement';

let dir: string;
const tried: string[] = [];
const journal = {
  trying: async (name: string) => {
    tried.push(name);
  },
  reserved: async () => {},
};
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'place-'));
  tried.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('placeWithoutOverwrite', () => {
  it('gives the file its name when free', async () => {
    await writeFile(join(dir, 'm.mesh.part'), 'new');
    const placed = await placeWithoutOverwrite(join(dir, 'm.mesh.part'), dir, 'report.csv', journal);
    expect(placed).toBe(join(dir, 'report.csv'));
    expect(await readFile(placed, 'utf8')).toBe('new');
    expect(tried).toEqual(['report.csv']);
  });

  it('never overwrites: a taken name gets " (2)", then " (3)"', async () => {
    await writeFile(join(dir, 'report.csv'), 'old one');
    await writeFile(join(dir, 'report (2).csv'), 'old two');
    await writeFile(join(dir, 'm.mesh.part'), 'new');
    const placed = await placeWithoutOverwrite(join(dir, 'm.mesh.part'), dir, 'report.csv', journal);
    expect(placed).toBe(join(dir, 'report (3).csv'));
    expect(await readFile(join(dir, 'report.csv'), 'utf8')).toBe('old one');
    expect(await readFile(join(dir, 'report (2).csv'), 'utf8')).toBe('old two');
    expect(await readFile(placed, 'utf8')).toBe('new');
  });

  it('skips a name whose sidecar is still there', async () => {
    await writeFile(join(dir, 'report.csv.mesh.json'), '{}');
    await writeFile(join(dir, 'm.mesh.part'), 'new');
    expect(await placeWithoutOverwrite(join(dir, 'm.mesh.part'), dir, 'report.csv', journal)).toBe(join(dir, 'report (2).csv'));
  });

  it('chooses distinct names when many files with one name arrive at once', async () => {
    const parts = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const part = join(dir, `m${i}.mesh.part`);
        await writeFile(part, `content ${i}`);
        return part;
      }),
    );
    const placed = await Promise.all(
      parts.map((part) => placeWithoutOverwrite(part, dir, 'same.txt', { trying: async () => {}, reserved: async () => {} })),
    );
    expect(new Set(placed).size).toBe(8);
    const contents = await Promise.all(placed.map((file) => readFile(file, 'utf8')));
    expect(contents.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `content ${i}`).sort());
  });
});

describe('finishInterruptedPlacement', () => {
  it('finds a link that was made before the crash', async () => {
    await writeFile(join(dir, 'm.mesh.part'), 'x');
    await link(join(dir, 'm.mesh.part'), join(dir, 'a.csv'));
    expect(await sameFile(join(dir, 'm.mesh.part'), join(dir, 'a.csv'))).toBe(true);
    expect(await finishInterruptedPlacement(join(dir, 'm.mesh.part'), join(dir, 'a.csv'), false)).toBe(join(dir, 'a.csv'));
  });

  it('does not take someone else’s file with the same name', async () => {
    await writeFile(join(dir, 'm.mesh.part'), 'x');
    await writeFile(join(dir, 'a.csv'), 'someone else');
    expect(await finishInterruptedPlacement(join(dir, 'm.mesh.part'), join(dir, 'a.csv'), false)).toBeUndefined();
    expect(await readFile(join(dir, 'a.csv'), 'utf8')).toBe('someone else');
  });

  it('completes a rename onto our own reservation', async () => {
    await writeFile(join(dir, 'm.mesh.part'), 'x');
    await writeFile(join(dir, 'a.csv'), '');
    expect(await finishInterruptedPlacement(join(dir, 'm.mesh.part'), join(dir, 'a.csv'), true)).toBe(join(dir, 'a.csv'));
    expect(await readFile(join(dir, 'a.csv'), 'utf8')).toBe('x');
    await expect(stat(join(dir, 'm.mesh.part'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('sees a rename that completed before the crash', async () => {
    await writeFile(join(dir, 'a.csv'), 'x');
    expect(await finishInterruptedPlacement(join(dir, 'm.mesh.part'), join(dir, 'a.csv'), true)).toBe(join(dir, 'a.csv'));
  });

  it('reports nothing when both are gone', async () => {
    expect(await finishInterruptedPlacement(join(dir, 'm.mesh.part'), join(dir, 'a.csv'), false)).toBeUndefined();
  });

  it('removePartial tolerates a missing file', async () => {
    await removePartial(join(dir, 'none'));
    expect(await readdir(dir)).toEqual([]);
  });
});
