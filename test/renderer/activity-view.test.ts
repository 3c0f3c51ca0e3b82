import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../main/contract';
import {
  activityRequest,
  counterpartWords,
  describeFields,
  isFiltered,
  NO_ACTIVITY_FIELDS,
  sortActivity,
  summariseActivity,
} from '../../renderer/src/state/activity-view';

const entry = (sequence: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry => ({
  sequence,
  atUtc: `2026-03-${String(10 + sequence).padStart(2, '0')}T12:00:00.000Z`,
  atLocal: '',
  action: 'Message sent',
  direction: 'sent',
  outcome: 'ok',
  outcomeText: 'Sent',
  who: { account: 'jsmith', via: 'window' },
  ...overrides,
});

describe('activityRequest', () => {
  it('asks for nothing when nothing is filled in', () => {
    expect(activityRequest(NO_ACTIVITY_FIELDS)).toEqual({ filter: {} });
  });

  it('trims words and leaves out empty fields', () => {
    expect(activityRequest({ ...NO_ACTIVITY_FIELDS, text: '  referral ', workflowId: ' ', from: '2026-03-01' })).toEqual({
      filter: { text: 'referral', from: '2026-03-01' },
    });
  });

  it('passes every field it was given', () => {
    const fields = {
      from: '2026-03-01',
      to: '2026-03-31',
      mailboxId: 'X26ABC1',
      direction: 'received',
      workflowId: 'WF',
      text: 'x',
    } as const;
    expect(activityRequest(fields)).toEqual({ filter: fields });
  });

  it('allows a single day and refuses a range that runs backwards', () => {
    expect(activityRequest({ ...NO_ACTIVITY_FIELDS, from: '2026-03-05', to: '2026-03-05' })).toEqual({
      filter: { from: '2026-03-05', to: '2026-03-05' },
    });
    expect(activityRequest({ ...NO_ACTIVITY_FIELDS, from: '2026-03-06', to: '2026-03-05' })).toEqual({
      problem: 'The "From" day must be on or before the "To" day.',
    });
  });
});

describe('the words and order of entries', () => {
  it('knows when a filter is set, blank spaces aside', () => {
    expect(isFiltered(NO_ACTIVITY_FIELDS)).toBe(false);
    expect(isFiltered({ ...NO_ACTIVITY_FIELDS, text: '  ' })).toBe(false);
    expect(isFiltered({ ...NO_ACTIVITY_FIELDS, direction: 'other' })).toBe(true);
  });

  it('names the other party by direction', () => {
    expect(counterpartWords(entry(1, { counterpart: 'X26B' }))).toBe('To X26B');
    expect(counterpartWords(entry(1, { counterpart: 'X26B', direction: 'received' }))).toBe('From X26B');
    expect(counterpartWords(entry(1))).toBe('');
  });

  it('shows newest first by default and oldest first when asked, without changing what main gave', () => {
    const entries = [entry(3), entry(2), entry(1)];
    expect(sortActivity(entries, { key: 'when', direction: 'desc' })).toBe(entries);
    expect(sortActivity(entries, { key: 'when', direction: 'asc' }).map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(entries.map((e) => e.sequence)).toEqual([3, 2, 1]);
  });
});

describe('summariseActivity', () => {
  it('counts nothing for an empty record', () => {
    expect(summariseActivity([])).toEqual({ entries: 0, first: undefined, last: undefined, byMailbox: [], byDirection: [], byOutcome: [] });
  });

  it('counts by mailbox, direction and outcome, most first, and spans first to last', () => {
    const a = { id: 'X26A', environment: 'live' };
    const b = { id: 'X26B', environment: 'live' };
    const summary = summariseActivity([
      entry(5, { mailbox: b, direction: 'received', outcome: 'failed' }),
      entry(4, { mailbox: a }),
      entry(3, { mailbox: a, outcome: 'cancelled' }),
      entry(2, { direction: 'other' }),
      entry(1, { mailbox: a, direction: 'received' }),
    ]);
    expect(summary.entries).toBe(5);
    expect(summary.first).toBe('2026-03-11T12:00:00.000Z');
    expect(summary.last).toBe('2026-03-15T12:00:00.000Z');
    expect(summary.byMailbox).toEqual([
      { label: 'X26A (live)', count: 3 },
      { label: 'No mailbox (this computer)', count: 1 },
      { label: 'X26B (live)', count: 1 },
    ]);
    expect(summary.byDirection).toEqual([
      { label: 'Received', count: 2 },
      { label: 'Sent', count: 2 },
      { label: 'Other', count: 1 },
    ]);
    expect(summary.byOutcome).toEqual([
      { label: 'Done', count: 3 },
      { label: 'Cancelled', count: 1 },
      { label: 'Failed', count: 1 },
    ]);
  });
});

describe('describeFields', () => {
  const name = (id: string) => `Riverside Surgery (${id})`;
  it('says the whole record when nothing is filtered', () => {
    expect(describeFields(NO_ACTIVITY_FIELDS, name)).toBe('Everything in the record');
  });

  it('puts every filter into words', () => {
    expect(
      describeFields(
        { from: '2026-03-01', to: '2026-03-31', mailboxId: 'X26A', direction: 'sent', workflowId: ' WF ', text: 'referral' },
        name,
      ),
    ).toBe('Entries from 2026-03-01 to 2026-03-31, mailbox Riverside Surgery (X26A), sent, workflow WF, containing "referral"');
    expect(describeFields({ ...NO_ACTIVITY_FIELDS, from: '2026-03-01' }, name)).toBe('Entries from 2026-03-01');
    expect(describeFields({ ...NO_ACTIVITY_FIELDS, to: '2026-03-31' }, name)).toBe('Entries up to 2026-03-31');
  });
});
