// The CSV and JSON an export writes, cell by cell: what Excel opens cleanly and can never run as a formula.
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../main/audit/entry';
import { EXPORT_COLUMNS, csvCell, entriesBetween, entriesToCsv, entriesToJson, parseDay } from '../../../main/audit/export';

const entry = (seq: number, at: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  v: 1,
  seq,
  at,
  local: at.replace('Z', '+00:00'),
  zone: 'Europe/London',
  actor: { account: 'NHS\\jbloggs', host: 'PC-01', via: 'window', pid: 42 },
  action: 'message-sent',
  outcome: 'ok',
  mailbox: { id: 'X26ABC1', environment: 'LIVE' },
  message: { messageId: 'M1', to: 'X26ABC2', workflowId: 'W', subject: 'Results', fileName: 'a.csv', size: 12 },
  prev: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...extra,
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+44 1234', "'+44 1234"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['Zoë – café', 'Zoë – café'],
    ['', ''],
  ])('%j becomes %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes numbers as numbers and leaves missing values empty', () => {
    expect(csvCell(12)).toBe('12');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('entriesToCsv', () => {
  it('starts with a BOM, ends every row with CRLF, and has one cell per column in each row', () => {
    const csv = entriesToCsv([entry(1, '2026-03-05T10:12:00.000Z', { message: { subject: '=1+1', to: 'X26ABC2' } })]);
    expect(csv.startsWith('\uFEFFEntry,Time (UTC),Local time,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toBe('');
    const cells = rows[1]!.split(',');
    expect(cells).toHaveLength(EXPORT_COLUMNS.length);
    const cell = (name: string) => cells[EXPORT_COLUMNS.findIndex((c) => c.name === name)];
    expect(cell('Time (UTC)')).toBe('2026-03-05T10:12:00.000Z');
    expect(cell('Local time')).toBe('2026-03-05T10:12:00.000+00:00');
    expect(cell('Direction')).toBe('sent');
    expect(cell('Account')).toBe('NHS\\jbloggs');
    expect(cell('Subject')).toBe("'=1+1");
    expect(cell('Hash')).toBe('a'.repeat(64));
  });
});

describe('ranges', () => {
  it('reads days as UTC and includes the whole of the last day', () => {
    expect(parseDay('2026-03-01')?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(parseDay('2026-03-31', true)?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseDay('2026-02-30')).toBeUndefined();
    expect(parseDay('1 March')).toBeUndefined();
    const entries = [
      entry(1, '2026-02-28T23:59:59.999Z'),
      entry(2, '2026-03-01T00:00:00.000Z'),
      entry(3, '2026-03-31T23:59:59.999Z'),
      entry(4, '2026-04-01T00:00:00.000Z'),
    ];
    expect(entriesBetween(entries, parseDay('2026-03-01')!, parseDay('2026-03-31', true)!).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('exports JSON with the range and the entries as stored', () => {
    const json = JSON.parse(entriesToJson([entry(2, '2026-03-01T00:00:00.000Z')], { from: 'a', to: 'b' }));
    expect(json).toMatchObject({ from: 'a', to: 'b', entries: [{ seq: 2, hash: 'a'.repeat(64) }] });
  });
});
