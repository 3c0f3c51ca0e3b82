import { describe, expect, it } from 'vitest';
import { describeHeaders, headerLabel, headerValue } from '../../renderer/src/lib/headers';

describe('headerLabel', () => {
  it.each([
    ['mex-from', "Sender's mailbox ID"],
    ['Mex-From', "Sender's mailbox ID"],
    ['MEX_WORKFLOWID', 'Workflow ID'],
    ['mex-linkedmsgid', 'Message this report is about'],
    ['mex-localid', "Sender's reference"],
    ['mex-statusdescription', 'Status'],
    ['mex-something-new', 'Something new'],
    ['x-custom', 'X custom'],
  ])('%s is "%s"', (name, label) => {
    expect(headerLabel(name)).toBe(label);
  });
});

describe('headerValue', () => {
  it.each([
    ['mex-content-compressed', 'Y', 'Yes'],
    ['mex-content-encrypted', 'n', 'No'],
    ['mex-messagetype', 'REPORT', 'Non-delivery report'],
    ['mex-messagetype', 'data', 'Data'],
    ['mex-statussuccess', 'ERROR', 'Failed'],
    ['mex-statustimestamp', '20260310143005', '10/03/2026 14:30:05'],
    ['mex-statustimestamp', '2026-03-10', '2026-03-10'],
    ['mex-chunk-range', '2:5', '2 of 5'],
    ['mex-chunk-range', '1:0', '1:0'],
    ['mex-subject', '  Hello  ', 'Hello'],
  ])('%s %s is "%s"', (name, value, words) => {
    expect(headerValue(name, value)).toBe(words);
  });
});

describe('describeHeaders', () => {
  it('puts who and what first, then the rest alphabetically by label', () => {
    const rows = describeHeaders({
      'mex-version': '1.0',
      'mex-to': 'X26ABC1',
      'mex-from': 'Y12',
      'mex-addresstype': 'ALL',
      'mex-subject': 'Hi',
    });
    expect(rows.map((row) => row.name)).toEqual(['mex-from', 'mex-to', 'mex-subject', 'mex-addresstype', 'mex-version']);
    expect(rows[0]).toEqual({ name: 'mex-from', label: "Sender's mailbox ID", value: 'Y12' });
  });

  it('is empty for no headers', () => {
    expect(describeHeaders({})).toEqual([]);
  });
});
