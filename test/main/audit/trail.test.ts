/**
 * The audit trail on real files: append and verify, and every alteration found at the entry where it happened
 * (one byte edited, an entry removed, two swapped, the end cut off), a torn last line reported and repaired,
 * rotation by size and by month keeping the chain across files, and pruning recorded in the chain.
 */
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeReport } from '../../../main/audit/chain';
import type { AuditActor } from '../../../main/audit/entry';
import { AuditTrail } from '../../../main/audit/trail';

const actor: AuditActor = { account: 'tester', host: 'pc1', via: 'command-line', pid: 1 };
let dir: string;
let now: Date;
const trail = (maxFileBytes?: number) =>
  new AuditTrail({ folder: dir, clock: () => now, zone: 'Europe/London', ...(maxFileBytes ? { maxFileBytes } : {}) });

async function appendMany(t: AuditTrail, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await t.append(
      {
        action: 'message-sent',
        outcome: 'ok',
        mailbox: { id: 'X26ABC1', environment: 'INT' },
        message: { messageId: `M${i}`, to: 'X26ABC2', size: i },
      },
      actor,
    );
    now = new Date(now.getTime() + 1000);
  }
}

async function onlyFile(): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  expect(names).toHaveLength(1);
  return join(dir, names[0]!);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-'));
  now = new Date('2026-03-05T10:00:00.000Z');
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('audit trail', () => {
  it('appends chained entries and verifies them as complete and unaltered', async () => {
    const t = trail();
    await appendMany(t, 5);
    const report = await t.verify();
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(5);
    expect(describeReport(report)).toMatch(
      /complete and unaltered from 2026-03-05T10:00:00.000Z \(entry #1\) to 2026-03-05T10:00:04.000Z \(entry #5\)/,
    );
  });

  it('finds one edited byte at that entry', async () => {
    const t = trail();
    await appendMany(t, 5);
    const file = await onlyFile();
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"M2"', '"M9"'));
    const report = await t.verify();
    expect(report.ok).toBe(false);
    expect(report.problem?.seq).toBe(3);
    expect(report.problem?.reason).toMatch(/does not match its own hash/);
  });

  it('checks a trail read before as strictly as a new one: appended entries, and a byte edited in place with its time put back', async () => {
    const t = trail();
    await appendMany(t, 5);
    expect((await t.read()).report.ok).toBe(true);
    await appendMany(t, 2);
    const grown = await t.read();
    expect(grown.report.ok).toBe(true);
    expect(grown.entries.map((located) => located.entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const file = await onlyFile();
    const before = await stat(file);
    const text = await readFile(file, 'utf8');
    // Same length, same modification time: only the bytes tell.
    await writeFile(file, text.replace('"M1"', '"M8"'));
    await utimes(file, before.atime, before.mtime);
    const edited = await t.read();
    expect(edited.report.ok).toBe(false);
    expect(edited.report.problem?.seq).toBe(2);
    expect(edited.report.problem?.reason).toMatch(/does not match its own hash/);

    await writeFile(file, text);
    expect((await t.verify()).ok).toBe(true);
    // A line added by hand after the last read is checked like any other.
    const lines = text.split('\n').filter(Boolean);
    await appendFile(file, `${lines[6]}\n`);
    const copied = await t.verify();
    expect(copied.ok).toBe(false);
    expect(copied.problem?.line).toBe(8);
  });

  it('finds a removed entry, a reordering, and a cut-off end', async () => {
    const t = trail();
    await appendMany(t, 5);
    const file = await onlyFile();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);

    await writeFile(file, [lines[0], lines[1], lines[3], lines[4], ''].join('\n'));
    let report = await t.verify();
    expect(report.problem?.seq).toBe(4);
    expect(report.problem?.reason).toMatch(/removed before it: #3/);

    await writeFile(file, [lines[0], lines[2], lines[1], lines[3], lines[4], ''].join('\n'));
    report = await t.verify();
    expect(report.problem?.seq).toBe(3);

    await writeFile(file, [lines[0], lines[1], lines[2], ''].join('\n'));
    report = await t.verify();
    expect(report.ok).toBe(false);
    expect(report.problem?.reason).toMatch(/removed from the end/);
  });

  it('reports a torn last line, and the next write repairs it and says so', async () => {
    const t = trail();
    await appendMany(t, 3);
    const file = await onlyFile();
    await appendFile(file, '{"action":"message-sent","outc');
    let report = await t.verify();
    expect(report.ok).toBe(true);
    expect(report.torn?.bytes).toBe(30);
    expect(describeReport(report)).toMatch(/torn/);
    await appendMany(t, 1);
    report = await t.verify();
    expect(report.ok).toBe(true);
    expect(report.torn).toBeUndefined();
    expect(report.entries).toBe(5);
    const { entries } = await t.read();
    expect(entries[3]?.entry.action).toBe('audit-repaired');
    expect(entries[3]?.entry.reason).toMatch(/30 bytes/);
  });

  it('keeps the chain across files rotated by size and by month', async () => {
    const t = trail(1500);
    await appendMany(t, 6);
    now = new Date('2026-04-01T00:00:01.000Z');
    await appendMany(t, 2);
    const names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
    expect(names.length).toBeGreaterThan(2);
    expect(names[names.length - 1]).toBe('audit-2026-04-001.jsonl');
    const report = await t.verify();
    expect(report.ok).toBe(true);
    expect(report.entries).toBe(8);
    // Removing a whole middle file is found.
    await rm(join(dir, names[1]!));
    expect((await t.verify()).ok).toBe(false);
  });

  it('prunes old files under the retention rule and still verifies', async () => {
    const t = trail();
    await appendMany(t, 3);
    now = new Date('2026-05-01T00:00:00.000Z');
    await appendMany(t, 2);
    expect(await t.prune(new Date('2026-04-01T00:00:00.000Z'), actor)).toBe(3);
    const report = await t.verify();
    expect(report.ok).toBe(true);
    expect(report.prunedBefore?.seq).toBe(4);
  });
});
