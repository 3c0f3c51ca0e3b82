// The Activity view's rows and filters: each rule on small entries, no disk.
import { describe, expect, it } from 'vitest';
import { matchesActivityFilter, pageOfActivity, selectActivity, summariseActivity, toActivityEntry } from '../../../main/audit/activity';
import type { AuditEntry } from '../../../main/audit/entry';

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
  message: { messageId: 'M1', to: 'X26ABC2', from: 'X26ABC1', workflowId: 'PATH_RESULTS', subject: 'Results', fileName: 'a.csv', size: 12 },
  prev: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...extra,
});

const received = entry(2, '2026-03-06T09:00:00.000Z', {
  action: 'message-received',
  mailbox: { id: 'X26ABC2', environment: 'INT' },
  message: {
    messageId: 'M2',
    from: 'X26ZZZ9',
    to: 'X26ABC2',
    workflowId: 'GP_LETTER',
    fileName: 'letter.pdf',
    savedTo: 'C:\\In\\letter.pdf',
  },
  actor: { account: 'svc', host: 'PC-01', via: 'folder-mode', pid: 7 },
});
const failed = entry(3, '2026-03-07T23:59:59.000Z', { action: 'send-failed', outcome: 'failed', reason: 'The recipient was not found' });
const policy = entry(4, '2026-03-08T00:00:00.000Z', { action: 'policy-applied', message: undefined });
const all = [entry(1, '2026-03-05T10:00:00.000Z'), received, failed, policy];

describe('toActivityEntry', () => {
  it('says a send in words, with the recipient as the other party', () => {
    expect(toActivityEntry(all[0]!)).toMatchObject({
      sequence: 1,
      action: 'Message sent',
      direction: 'sent',
      outcomeText: 'Done',
      mailbox: { id: 'X26ABC1', environment: 'LIVE' },
      who: { account: 'NHS\\jbloggs', via: 'window' },
      counterpart: 'X26ABC2',
      fileName: 'a.csv',
      size: 12,
      messageId: 'M1',
    });
  });

  it('names the sender of a receipt, where it was saved, and folder mode as who', () => {
    expect(toActivityEntry(received)).toMatchObject({
      action: 'Message received',
      counterpart: 'X26ZZZ9',
      savedTo: 'C:\\In\\letter.pdf',
      who: { via: 'folder mode' },
    });
  });

  it('gives the reason of a failure', () => {
    expect(toActivityEntry(failed).outcomeText).toBe('Failed: The recipient was not found');
  });

  it('leaves out what an entry does not have', () => {
    const row = toActivityEntry(policy);
    expect(row.action).toBe('IT policy applied');
    expect(row.direction).toBe('other');
    expect(row).not.toHaveProperty('counterpart');
    expect(row).not.toHaveProperty('fileName');
  });
});

describe('matchesActivityFilter', () => {
  const seqs = (filter: Parameters<typeof matchesActivityFilter>[1]) =>
    all.filter((e) => matchesActivityFilter(e, filter)).map((e) => e.seq);

  it.each([
    [{}, [1, 2, 3, 4]],
    [{ from: '2026-03-06' }, [2, 3, 4]],
    [{ to: '2026-03-07' }, [1, 2, 3]],
    [{ from: '2026-03-06', to: '2026-03-06' }, [2]],
    [{ mailboxId: 'x26abc2' }, [2]],
    [{ direction: 'received' as const }, [2]],
    [{ direction: 'sent' as const }, [1, 3]],
    [{ direction: 'other' as const }, [4]],
    [{ workflowId: 'gp_letter' }, [2]],
    [{ text: 'LETTER' }, [2]],
    [{ text: 'not found' }, [3]],
    [{ text: 'X26ZZZ9' }, [2]],
  ])('%j keeps %j', (filter, expected) => {
    expect(seqs(filter)).toEqual(expected);
  });
});

describe('selectActivity', () => {
  it('gives the newest first', () => {
    expect(selectActivity(all, {}).entries.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
  });

  it('stops at the limit and says the list was cut short', () => {
    const result = selectActivity(all, {}, 2);
    expect(result.entries.map((e) => e.seq)).toEqual([4, 3]);
    expect(result.truncated).toBe(true);
  });

  it('is not cut short when exactly the limit matched', () => {
    expect(selectActivity(all, { direction: 'sent' }, 2).truncated).toBe(false);
  });
});

describe('pageOfActivity', () => {
  const newestFirst = [9, 8, 7, 6, 5, 4, 3, 2, 1];
  it('counts from the newest', () => {
    expect(pageOfActivity(newestFirst, { offset: 0, limit: 4 })).toEqual([9, 8, 7, 6]);
    expect(pageOfActivity(newestFirst, { offset: 8, limit: 4 })).toEqual([1]);
    expect(pageOfActivity(newestFirst, { offset: 9, limit: 4 })).toEqual([]);
  });

  it('counts from the oldest when asked, oldest first', () => {
    expect(pageOfActivity(newestFirst, { offset: 0, limit: 4, oldestFirst: true })).toEqual([1, 2, 3, 4]);
    expect(pageOfActivity(newestFirst, { offset: 8, limit: 4, oldestFirst: true })).toEqual([9]);
    expect(pageOfActivity(newestFirst, { offset: 20, limit: 4, oldestFirst: true })).toEqual([]);
  });

  it('leaves the list it was given as it was', () => {
    const copy = [...newestFirst];
    pageOfActivity(newestFirst, { offset: 2, limit: 3, oldestFirst: true });
    expect(newestFirst).toEqual(copy);
  });
});

describe('summariseActivity', () => {
  it('counts nothing for an empty list', () => {
    expect(summariseActivity([])).toEqual({ entries: 0, byMailbox: [], byDirection: [], byOutcome: [] });
  });

  it('counts by mailbox, direction and outcome, most first, and spans first to last', () => {
    const cancelled = entry(5, '2026-03-09T08:00:00.000Z', { action: 'send-cancelled', outcome: 'cancelled' });
    expect(summariseActivity([...all, cancelled])).toEqual({
      entries: 5,
      first: '2026-03-05T10:00:00.000Z',
      last: '2026-03-09T08:00:00.000Z',
      byMailbox: [
        { label: 'X26ABC1 (LIVE)', count: 4 },
        { label: 'X26ABC2 (INT)', count: 1 },
      ],
      byDirection: [
        { label: 'Sent', count: 3 },
        { label: 'Other', count: 1 },
        { label: 'Received', count: 1 },
      ],
      byOutcome: [
        { label: 'Done', count: 3 },
        { label: 'Cancelled', count: 1 },
        { label: 'Failed', count: 1 },
      ],
    });
  });

  it('counts an entry about no mailbox under this computer', () => {
    expect(summariseActivity([entry(1, '2026-03-05T10:00:00.000Z', { mailbox: undefined })]).byMailbox).toEqual([
      { label: 'No mailbox (this computer)', count: 1 },
    ]);
  });
});
