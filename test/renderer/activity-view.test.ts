import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../main/contract';
import {
  activityRequest,
  counterpartWords,
  describeFields,
  isFiltered,
  entryAt,
  missingPages,
  NO_ACTIVITY_FIELDS,
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
});

describe('pages of the list', () => {
  it('finds a row in its page of 200', () => {
    const pages = { 0: [entry(1), entry(2)], 2: [entry(401)] };
    expect(entryAt(pages, 1)?.sequence).toBe(2);
    expect(entryAt(pages, 400)?.sequence).toBe(401);
    expect(entryAt(pages, 200)).toBeUndefined();
    expect(entryAt(pages, 2)).toBeUndefined();
  });

  it('asks only for the pages on screen that are neither here nor on their way', () => {
    expect(missingPages(0, 30, 1000, {}, new Set())).toEqual([0]);
    expect(missingPages(190, 230, 1000, { 0: [] }, new Set())).toEqual([1]);
    expect(missingPages(190, 630, 1000, { 0: [] }, new Set([2]))).toEqual([1, 3]);
    expect(missingPages(390, 410, 1000, { 1: [], 2: [] }, new Set())).toEqual([]);
  });

  it('never asks past the end of the list or for an empty one', () => {
    expect(missingPages(150, 450, 250, {}, new Set())).toEqual([0, 1]);
    expect(missingPages(0, 20, 0, {}, new Set())).toEqual([]);
    expect(missingPages(-5, 10, 100, {}, new Set())).toEqual([0]);
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
