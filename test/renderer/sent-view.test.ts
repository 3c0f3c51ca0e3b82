import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SENT_SORT,
  NO_SENT_FILTERS,
  matchesSent,
  sentStatusWords,
  transfersById,
  visibleSent,
} from '../../renderer/src/state/sent-view';
import { sentItem, transfer } from './fixtures';

describe('sentStatusWords', () => {
  it('shows upload progress from the transfer while sending', () => {
    const item = sentItem({ status: 'uploading', size: 200, transferId: 't-1' });
    expect(sentStatusWords(item, transfer({ bytesDone: 90, bytesTotal: 200 })).label).toBe('Sending 45%');
    expect(sentStatusWords(item, transfer({ bytesDone: 90, bytesTotal: undefined })).label).toBe('Sending 45%');
    expect(sentStatusWords(item).label).toBe('Sending');
    expect(sentStatusWords(item, transfer({ state: 'paused', bytesDone: 20, bytesTotal: 200 })).label).toBe('Paused at 10%');
    expect(sentStatusWords(item, transfer({ state: 'queued' })).label).toBe('Waiting to send');
  });

  it.each([
    ['accepted', 'Delivered', 'aqua-green'],
    ['acknowledged', 'Collected', 'green'],
    ['undeliverable', 'Not delivered', 'red'],
    ['failed', 'Failed', 'red'],
    ['cancelled', 'Cancelled', 'grey'],
    ['unknown', 'Not known', 'orange'],
  ] as const)('%s is "%s" in %s', (status, label, colour) => {
    const words = sentStatusWords(sentItem({ status }));
    expect(words.label).toBe(label);
    expect(words.colour).toBe(colour);
    expect(words.explanation.length).toBeGreaterThan(10);
  });

  it('gives the reason a message was not delivered', () => {
    expect(sentStatusWords(sentItem({ status: 'undeliverable', statusDescription: 'Unregistered to address' })).explanation).toContain(
      'Unregistered to address',
    );
  });
});

describe('filtering and sorting Sent', () => {
  const items = [
    sentItem({ id: '1', status: 'accepted', subject: 'Alpha', sentAt: '2026-03-10T10:00:00Z', size: 10, to: { mailboxId: 'AAA' } }),
    sentItem({
      id: '2',
      status: 'undeliverable',
      subject: 'Bravo',
      sentAt: '2026-03-11T10:00:00Z',
      size: 30,
      workflowId: 'WF2',
      to: { mailboxId: 'BBB', name: 'Beta Care' },
    }),
    sentItem({
      id: '3',
      status: 'acknowledged',
      subject: undefined,
      sentAt: '2026-03-09T10:00:00Z',
      size: 20,
      fileName: 'zeta.pdf',
      to: { mailboxId: 'CCC' },
    }),
    sentItem({ id: '4', status: 'failed', subject: 'Delta', sentAt: 'not a date', size: 5, to: { mailboxId: 'DDD' } }),
  ];
  const ids = (list: { id: string }[]) => list.map((item) => item.id);

  it('is newest first by default, with unknown times last', () => {
    expect(ids(visibleSent(items, NO_SENT_FILTERS, DEFAULT_SENT_SORT))).toEqual(['2', '1', '3', '4']);
  });
  it.each([
    ['any', ['1', '2', '3', '4']],
    ['delivered', ['1']],
    ['collected', ['3']],
    ['problem', ['2', '4']],
    ['sending', []],
  ] as const)('status filter %s', (status, expected) => {
    expect(ids(items.filter((item) => matchesSent(item, { ...NO_SENT_FILTERS, status })))).toEqual(expected);
  });
  it('searches recipient names, subjects and file names', () => {
    expect(ids(items.filter((item) => matchesSent(item, { ...NO_SENT_FILTERS, search: 'beta' })))).toEqual(['2']);
    expect(ids(items.filter((item) => matchesSent(item, { ...NO_SENT_FILTERS, search: 'ZETA' })))).toEqual(['3']);
    expect(ids(items.filter((item) => matchesSent(item, { ...NO_SENT_FILTERS, search: 'bravo ccc' })))).toEqual([]);
  });
  it('filters by workflow', () => {
    expect(ids(items.filter((item) => matchesSent(item, { ...NO_SENT_FILTERS, workflow: 'WF2' })))).toEqual(['2']);
  });
  it('sorts by size and puts problems first when sorting by status', () => {
    expect(ids(visibleSent(items, NO_SENT_FILTERS, { key: 'size', direction: 'asc' }))).toEqual(['4', '1', '3', '2']);
    expect(ids(visibleSent(items, NO_SENT_FILTERS, { key: 'status', direction: 'asc' }))).toEqual(['2', '4', '1', '3']);
  });
  it('indexes transfers by id', () => {
    expect(transfersById([transfer({ id: 'x' })]).get('x')?.title).toBe('scan.zip');
  });
});
