import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INBOX_SORT,
  NO_FILTERS,
  compareValues,
  filterChoices,
  isFiltered,
  matchesFilters,
  matchesSearch,
  nextSort,
  partyLabel,
  receivedSince,
  sortInbox,
  visibleInbox,
} from '../../renderer/src/state/inbox-view';
import { inboxItem } from './fixtures';

// Local times, so "today" means today wherever the test runs.
const now = new Date(2026, 2, 10, 15, 0, 0);
const at = (day: number, hour = 9) => new Date(2026, 2, day, hour, 0, 0).toISOString();

const a = inboxItem({
  messageId: 'A',
  from: { mailboxId: 'AAA1', name: 'Alpha Surgery' },
  subject: 'Zebra report',
  workflowId: 'WF_ONE',
  fileName: 'b.csv',
  size: 300,
  receivedAt: at(10),
  expiresAt: at(15),
  chunks: 1,
});
const b = inboxItem({
  messageId: 'B',
  from: { mailboxId: 'BBB2', organisation: 'Beta Trust' },
  subject: 'apple results',
  workflowId: 'WF_TWO',
  fileName: 'a.csv',
  size: 100,
  receivedAt: at(9),
  expiresAt: at(14),
  chunks: 4,
});
const c = inboxItem({
  messageId: 'C',
  type: 'REPORT',
  from: { mailboxId: 'CCC3' },
  subject: undefined,
  workflowId: 'WF_ONE',
  fileName: undefined,
  size: undefined,
  receivedAt: at(3),
  expiresAt: undefined,
  chunks: 1,
  report: { description: 'Message not collected by recipient after 5 days' },
});
const items = [a, b, c];

describe('partyLabel', () => {
  it.each([
    [{ mailboxId: 'X1', name: 'Riverside', organisation: 'Riverside' }, 'Riverside (X1)'],
    [{ mailboxId: 'X1', name: 'Results', organisation: 'Riverside Trust' }, 'Results, Riverside Trust (X1)'],
    [{ mailboxId: 'X1', organisation: 'Riverside Trust' }, 'Riverside Trust (X1)'],
    [{ mailboxId: 'X1', name: '  ' }, 'X1'],
    [{ mailboxId: '' }, 'Unknown sender'],
    [{ mailboxId: '', name: 'MESH (central system)' }, 'MESH (central system)'],
  ])('%j is "%s"', (party, label) => {
    expect(partyLabel(party)).toBe(label);
  });
});

describe('matchesSearch', () => {
  it.each([
    ['', true],
    ['   ', true],
    ['zebra', true],
    ['ZEBRA', true],
    ['alpha zebra', true],
    ['alpha apple', false],
    ['AAA1', true],
    ['wf_one', true],
    ['b.csv', true],
    ['nothing-like-this', false],
  ])('"%s" matches message A: %s', (search, expected) => {
    expect(matchesSearch(a, search)).toBe(expected);
  });

  it('finds a non-delivery report by its reason', () => {
    expect(matchesSearch(c, 'not collected')).toBe(true);
  });

  it('finds by organisation and by message id', () => {
    expect(matchesSearch(b, 'beta')).toBe(true);
    expect(matchesSearch(b, 'b')).toBe(true);
    expect(matchesSearch(a, 'C')).toBe(true); // "c" is in "b.csv": search is by substring, as people expect
  });
});

describe('receivedSince', () => {
  it('is nothing for any time', () => {
    expect(receivedSince('any', now)).toBeUndefined();
  });
  it('starts at local midnight', () => {
    expect(receivedSince('today', now)).toEqual(new Date(2026, 2, 10));
    expect(receivedSince('since-yesterday', now)).toEqual(new Date(2026, 2, 9));
    expect(receivedSince('last-7-days', now)).toEqual(new Date(2026, 2, 4));
  });
});

describe('matchesFilters', () => {
  it('lets everything through with no filters', () => {
    expect(items.every((item) => matchesFilters(item, NO_FILTERS, now))).toBe(true);
  });
  it('filters by workflow', () => {
    expect(items.filter((item) => matchesFilters(item, { ...NO_FILTERS, workflow: 'WF_ONE' }, now)).map((i) => i.messageId)).toEqual([
      'A',
      'C',
    ]);
  });
  it('filters by sender mailbox', () => {
    expect(items.filter((item) => matchesFilters(item, { ...NO_FILTERS, sender: 'BBB2' }, now)).map((i) => i.messageId)).toEqual(['B']);
  });
  it('filters by type', () => {
    expect(items.filter((item) => matchesFilters(item, { ...NO_FILTERS, type: 'REPORT' }, now)).map((i) => i.messageId)).toEqual(['C']);
    expect(items.filter((item) => matchesFilters(item, { ...NO_FILTERS, type: 'DATA' }, now)).map((i) => i.messageId)).toEqual(['A', 'B']);
  });
  it('filters by when it arrived', () => {
    const ids = (received: 'today' | 'since-yesterday' | 'last-7-days') =>
      items.filter((item) => matchesFilters(item, { ...NO_FILTERS, received }, now)).map((i) => i.messageId);
    expect(ids('today')).toEqual(['A']);
    expect(ids('since-yesterday')).toEqual(['A', 'B']);
    expect(ids('last-7-days')).toEqual(['A', 'B']);
  });
  it('leaves out messages with no received time when a date filter is on', () => {
    expect(matchesFilters(inboxItem({ receivedAt: undefined }), { ...NO_FILTERS, received: 'last-7-days' }, now)).toBe(false);
    expect(matchesFilters(inboxItem({ receivedAt: 'garbage' }), { ...NO_FILTERS, received: 'today' }, now)).toBe(false);
  });
  it('combines filters', () => {
    expect(matchesFilters(a, { ...NO_FILTERS, workflow: 'WF_ONE', type: 'REPORT' }, now)).toBe(false);
  });
});

describe('compareValues', () => {
  it('puts missing values last in both directions', () => {
    expect(compareValues(undefined, 1, 'asc')).toBeGreaterThan(0);
    expect(compareValues(undefined, 1, 'desc')).toBeGreaterThan(0);
    expect(compareValues(1, undefined, 'desc')).toBeLessThan(0);
    expect(compareValues(undefined, undefined, 'asc')).toBe(0);
  });
  it('compares text naturally (file2 before file10)', () => {
    expect(compareValues('file2', 'file10', 'asc')).toBeLessThan(0);
  });
});

describe('sortInbox', () => {
  const order = (key: Parameters<typeof sortInbox>[1]['key'], direction: 'asc' | 'desc') =>
    sortInbox(items, { key, direction }).map((i) => i.messageId);
  it.each([
    ['receivedAt', 'desc', ['A', 'B', 'C']],
    ['receivedAt', 'asc', ['C', 'B', 'A']],
    ['subject', 'asc', ['B', 'A', 'C']],
    ['subject', 'desc', ['A', 'B', 'C']],
    ['size', 'desc', ['A', 'B', 'C']],
    ['size', 'asc', ['B', 'A', 'C']],
    ['fileName', 'asc', ['B', 'A', 'C']],
    ['from', 'asc', ['A', 'B', 'C']],
    ['expiresAt', 'asc', ['B', 'A', 'C']],
    ['type', 'asc', ['A', 'B', 'C']],
    ['type', 'desc', ['C', 'A', 'B']],
    ['chunks', 'desc', ['B', 'A', 'C']],
    ['workflow', 'desc', ['B', 'A', 'C']],
  ] as const)('by %s %s', (key, direction, expected) => {
    expect(order(key, direction)).toEqual(expected);
  });

  it('keeps the original order for ties and does not change its input', () => {
    const twins = [inboxItem({ messageId: '1', size: 5 }), inboxItem({ messageId: '2', size: 5 }), inboxItem({ messageId: '3', size: 5 })];
    expect(sortInbox(twins, { key: 'size', direction: 'desc' }).map((i) => i.messageId)).toEqual(['1', '2', '3']);
    expect(twins.map((i) => i.messageId)).toEqual(['1', '2', '3']);
  });
});

describe('visibleInbox', () => {
  it('filters, searches and sorts together', () => {
    expect(
      visibleInbox(items, { ...NO_FILTERS, workflow: 'WF_ONE', search: 'zebra' }, DEFAULT_INBOX_SORT, now).map((i) => i.messageId),
    ).toEqual(['A']);
    expect(visibleInbox(items, NO_FILTERS, { key: 'size', direction: 'asc' }, now).map((i) => i.messageId)).toEqual(['B', 'A', 'C']);
  });

  it('copes with thousands of messages', () => {
    const many = Array.from({ length: 5000 }, (_, n) => inboxItem({ messageId: `M${n}`, subject: `Subject ${n}`, size: n }));
    const shown = visibleInbox(many, { ...NO_FILTERS, search: 'subject 49' }, { key: 'size', direction: 'desc' }, now);
    expect(shown[0]?.messageId).toBe('M4999');
    // Every word must appear somewhere: "49" anywhere in the number.
    expect(shown).toHaveLength(many.filter((_, n) => String(n).includes('49')).length);
    expect(shown.every((item) => item.subject?.includes('49'))).toBe(true);
  });
});

describe('filterChoices', () => {
  it('lists each workflow and sender once, sorted', () => {
    const choices = filterChoices([...items, a]);
    expect(choices.workflows).toEqual(['WF_ONE', 'WF_TWO']);
    expect(choices.senders).toEqual([
      { value: 'AAA1', label: 'Alpha Surgery (AAA1)' },
      { value: 'BBB2', label: 'Beta Trust (BBB2)' },
      { value: 'CCC3', label: 'CCC3' },
    ]);
  });
});

describe('sorting by column heading', () => {
  it('flips direction on the same column and starts a new column in its natural order', () => {
    expect(nextSort({ key: 'size', direction: 'desc' }, 'size', 'desc')).toEqual({ key: 'size', direction: 'asc' });
    expect(nextSort({ key: 'size', direction: 'asc' }, 'subject', 'asc')).toEqual({ key: 'subject', direction: 'asc' });
  });

  it('knows when a filter is on', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, search: ' ' })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, type: 'REPORT' })).toBe(true);
  });
});
