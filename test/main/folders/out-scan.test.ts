import { describe, expect, it } from 'vitest';
import { classifyOutFiles, isIgnoredName, isSettled, observe, placementNames, type Observation } from '../../../main/folders/out-scan';

const at = (seenAtMs: number, size = 10, mtimeMs = 0): Observation => ({ size, mtimeMs, seenAtMs });

describe('observe and isSettled', () => {
  it('is not settled at the first look', () => {
    expect(isSettled(observe(undefined, at(5000)))).toBe(false);
  });
  it('is settled after two identical looks a second apart, the file a second old', () => {
    expect(isSettled(observe(observe(undefined, at(5000)), at(6000)))).toBe(true);
  });
  it('is not settled when the looks are less than a second apart', () => {
    expect(isSettled(observe(observe(undefined, at(5000)), at(5999)))).toBe(false);
  });
  it('starts again when the size changes', () => {
    const grown = observe(observe(undefined, at(5000, 10)), at(6000, 20));
    expect(isSettled(grown)).toBe(false);
    expect(isSettled(observe(grown, at(7000, 20)))).toBe(true);
  });
  it('starts again when only the modification time changes', () => {
    expect(isSettled(observe(observe(undefined, at(5000, 10, 0)), at(6000, 10, 10)))).toBe(false);
  });
  it('waits while the file is younger than a second', () => {
    expect(isSettled(observe(observe(undefined, at(5000, 10, 5500)), at(6200, 10, 5500)))).toBe(false);
  });
  it('accepts a future modification time (share clock ahead) once unchanged for ten seconds', () => {
    const first = observe(undefined, at(5000, 10, 60_000));
    expect(isSettled(observe(first, at(9000, 10, 60_000)))).toBe(false);
    expect(isSettled(observe(first, at(15_000, 10, 60_000)))).toBe(true);
  });
});

describe('isIgnoredName', () => {
  it.each(['.hidden', '~$report.xlsx', '~lock', 'file.tmp', 'x.PART', 'dl.crdownload', 'Thumbs.db', 'desktop.ini', 'a.swp'])(
    'ignores %s',
    (name) => {
      expect(isIgnoredName(name)).toBe(true);
    },
  );
  it.each(['a.dat', 'a.ctl', 'report.csv', 'x.dat.csv', 'README'])('keeps %s', (name) => {
    expect(isIgnoredName(name)).toBe(false);
  });
});

describe('classifyOutFiles', () => {
  it('pairs .dat and .ctl by base name in any case and sorts', () => {
    expect(classifyOutFiles(['b.ctl', 'a.DAT', 'a.Ctl', 'b.dat', 'c.csv', 'd.dat', 'e.ctl', '.x.dat'])).toEqual([
      { kind: 'pair', base: 'a', data: 'a.DAT', control: 'a.Ctl' },
      { kind: 'pair', base: 'b', data: 'b.dat', control: 'b.ctl' },
      { kind: 'plain', file: 'c.csv' },
      { kind: 'data-only', base: 'd', data: 'd.dat' },
      { kind: 'control-only', base: 'e', control: 'e.ctl' },
    ]);
  });
  it('treats the hidden-extension trap x.dat.csv as a plain file', () => {
    expect(classifyOutFiles(['x.dat.csv', 'x.ctl'])).toEqual([
      { kind: 'control-only', base: 'x', control: 'x.ctl' },
      { kind: 'plain', file: 'x.dat.csv' },
    ]);
  });
});

describe('placementNames', () => {
  it('keeps the names when free', () => {
    expect(placementNames({ data: 'a.dat', control: 'a.ctl' }, () => false)).toEqual({ data: 'a.dat', control: 'a.ctl' });
  });
  it('numbers both when either is taken', () => {
    const taken = new Set(['a.ctl', 'a_2.dat']);
    expect(placementNames({ data: 'a.dat', control: 'a.ctl' }, (n) => taken.has(n))).toEqual({ data: 'a_3.dat', control: 'a_3.ctl' });
  });
  it('gives a plain file a .ctl beside it', () => {
    expect(placementNames({ data: 'r.csv' }, (n) => n === 'r.csv')).toEqual({ data: 'r_2.csv', control: 'r_2.csv.ctl' });
    expect(placementNames({ data: 'README' }, () => false)).toEqual({ data: 'README', control: 'README.ctl' });
  });
});
