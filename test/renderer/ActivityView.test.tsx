import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActivityEntry, ActivityList, ActivityPage, ActivitySummary } from '../../main/contract';
import type { Reply } from '../../main/contract/types';
import { App } from '../../renderer/src/App';
import { installFakeMesh, type Answers } from './fake-mesh';
import { baseAnswers, ok, resetStores } from './fixtures';

beforeEach(resetStores);
afterEach(() => vi.useRealTimers());

function entry(overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    sequence: 1,
    atUtc: '2026-03-10T12:00:00.000Z',
    atLocal: '2026-03-10T12:00:00.000+00:00',
    action: 'Message sent',
    direction: 'sent',
    outcome: 'ok',
    outcomeText: 'Sent',
    mailbox: { id: 'X26ABC1', environment: 'integration' },
    who: { account: 'jsmith', via: 'window' },
    counterpart: 'X26XYZ9',
    workflowId: 'TRANSFER_OF_CARE',
    subject: 'Referral letter',
    fileName: 'referral.pdf',
    size: 2048,
    sha256: 'ab'.repeat(32),
    messageId: 'MSG-1',
    ...overrides,
  };
}

const sent = entry({ sequence: 3 });
const received = entry({
  sequence: 2,
  atUtc: '2026-03-09T09:00:00.000Z',
  action: 'Message received and saved',
  direction: 'received',
  outcomeText: 'Saved',
  counterpart: 'X26ABC2',
  subject: 'Discharge summary',
  savedTo: 'C:\\MESH\\Riverside\\discharge.pdf',
  messageId: 'MSG-2',
});
const failed = entry({
  sequence: 1,
  atUtc: '2026-03-08T08:00:00.000Z',
  action: 'Send failed',
  outcome: 'failed',
  outcomeText: 'Failed: the recipient is not registered',
  subject: 'Old letter',
  messageId: undefined,
});

const SUMMARY: ActivitySummary = {
  entries: 3,
  first: failed.atUtc,
  last: sent.atUtc,
  byMailbox: [{ label: 'X26ABC1 (integration)', count: 3 }],
  byDirection: [
    { label: 'Sent', count: 2 },
    { label: 'Received', count: 1 },
  ],
  byOutcome: [
    { label: 'Done', count: 2 },
    { label: 'Failed', count: 1 },
  ],
};

/** Main's answer over `entries` (newest first), one page at a time as the window asks. */
const list =
  (entries: ActivityEntry[], extra: Partial<ActivityList> = {}) =>
  (_filter: unknown, page = { offset: 0, limit: 1000 } as ActivityPage): Reply<ActivityList> => {
    const ordered = page.oldestFirst ? [...entries].reverse() : entries;
    return ok({
      entries: ordered.slice(page.offset, page.offset + page.limit),
      offset: page.offset,
      matched: entries.length,
      total: 3,
      summary: SUMMARY,
      verified: { ok: true, sentence: 'The record is complete and unaltered from 8 Mar 2026 to 10 Mar 2026 (3 entries).' },
      ...extra,
    });
  };

async function openActivity(answers: Answers = {}) {
  const fake = installFakeMesh(baseAnswers({ listActivity: list([sent, received, failed]) as Answers['listActivity'], ...answers }));
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Activity' }));
  const grid = await screen.findByRole('grid', { name: 'Activity on this computer' });
  await within(grid).findByText('Referral letter');
  return { fake, user, grid };
}

const FIRST_PAGE = { offset: 0, limit: 200 };
const rows = (grid: HTMLElement) => within(grid).getAllByRole('row').slice(1);
const activityCalls = (fake: { calls: { name: string; args: unknown[] }[] }) => fake.calls.filter((c) => c.name === 'listActivity');

describe('Activity', () => {
  it('lists the record newest first, says it was checked, and counts it', async () => {
    const { grid } = await openActivity();
    expect(rows(grid).map((row) => row.querySelectorAll('td')[1]!.textContent)).toEqual([
      'Message sent',
      'Message received and saved',
      'Send failed',
    ]);
    const status = screen.getByText('Record checked').closest('p')!;
    expect(status).toHaveTextContent('Record checked The record is complete and unaltered from 8 Mar 2026 to 10 Mar 2026 (3 entries).');
    expect(screen.getByText('3 entries')).toBeInTheDocument();
  });

  it('says plainly when the record has been altered', async () => {
    await openActivity({
      listActivity: list([sent], {
        verified: { ok: false, sentence: 'Entry 2 does not follow entry 1: it was changed.' },
      }) as Answers['listActivity'],
    });
    const status = screen.getByText('Record altered').closest('p')!;
    expect(status).toHaveTextContent('Record altered Entry 2 does not follow entry 1: it was changed.');
    expect(status).toHaveClass('app-text-problem');
  });

  it('asks main again with each filter, and only once the person stops typing', async () => {
    const { fake, user } = await openActivity();
    await user.selectOptions(screen.getByLabelText('Direction'), 'received');
    expect(activityCalls(fake).at(-1)!.args).toEqual([{ direction: 'received' }, FIRST_PAGE]);
    await user.selectOptions(screen.getByLabelText('Mailbox'), 'X26ABC1');
    expect(activityCalls(fake).at(-1)!.args).toEqual([{ direction: 'received', mailboxId: 'X26ABC1' }, FIRST_PAGE]);
    const before = activityCalls(fake).length;
    await user.type(screen.getByLabelText('Search'), 'disch');
    // One request for the whole word, not one per key.
    await vi.waitFor(() => expect(activityCalls(fake).length).toBe(before + 1));
    expect(activityCalls(fake).at(-1)!.args).toEqual([{ direction: 'received', mailboxId: 'X26ABC1', text: 'disch' }, FIRST_PAGE]);
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(activityCalls(fake).at(-1)!.args).toEqual([{}, FIRST_PAGE]);
  });

  it('refuses a date range that ends before it starts, without asking main', async () => {
    const { fake } = await openActivity();
    const before = activityCalls(fake).length;
    const to = screen.getByLabelText('To');
    const from = screen.getByLabelText('From');
    // Date inputs take a value as a whole; typing into them is the browser's business.
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(to, '2026-03-01');
      to.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(from, '2026-03-31');
      from.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('The "From" day must be on or before the "To" day.');
    expect(activityCalls(fake).map((c) => c.args)).toContainEqual([{ to: '2026-03-01' }, FIRST_PAGE]);
    expect(activityCalls(fake).length).toBe(before + 1);
  });

  it('shows everything recorded about an entry, its checksum and where it was saved', async () => {
    const { user, grid } = await openActivity();
    await user.dblClick(within(grid).getByText('Discharge summary'));
    const detail = screen.getByRole('heading', { name: 'Message received and saved' });
    // The view moves focus after paint (so opening a long list forces no layout): wait the frame, as the Inbox test does.
    await act(() => new Promise((resolve) => window.requestAnimationFrame(() => resolve(undefined))));
    expect(detail).toHaveFocus();
    const pane = document.querySelector<HTMLElement>('dl[aria-label="About this entry"]')!;
    expect(within(pane).getByText('C:\\MESH\\Riverside\\discharge.pdf')).toBeInTheDocument();
    expect(within(pane).getByText('ab'.repeat(32))).toBeInTheDocument();
    expect(within(pane).getByText('jsmith, through the window')).toBeInTheDocument();
    expect(within(pane).getByText('X26ABC2')).toBeInTheDocument();
  });

  it('exports what is shown, and says where the file went', async () => {
    const { fake, user } = await openActivity({
      exportActivity: () => ok({ kind: 'saved', path: 'C:\\Users\\jsmith\\Documents\\mesh-activity.csv', entries: 3 }),
    });
    await user.selectOptions(screen.getByLabelText('Direction'), 'sent');
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(fake.calls.find((c) => c.name === 'exportActivity')!.args).toEqual([{ direction: 'sent' }, 'csv']);
    expect(await screen.findByText('3 entries exported as CSV')).toBeInTheDocument();
    expect(screen.getByText('Saved to C:\\Users\\jsmith\\Documents\\mesh-activity.csv')).toBeInTheDocument();
  });

  it('hands the export to the browser where main has no dialog, and says when it failed', async () => {
    const created: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:activity';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    let fail = false;
    const { user } = await openActivity({
      exportActivity: () =>
        fail
          ? { ok: false, error: { code: 'disk-full', message: 'The disk is full. Free some space and try again.' } }
          : ok({
              kind: 'text',
              fileName: 'mesh-activity-2026-03-10.json',
              mimeType: 'application/json',
              text: '{"entries":[]}',
              entries: 3,
            }),
    });
    await user.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(await screen.findByText('3 entries exported as JSON')).toBeInTheDocument();
    expect(clicked).toEqual(['mesh-activity-2026-03-10.json']);
    expect(await created[0]!.text()).toBe('{"entries":[]}');
    fail = true;
    await user.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(await screen.findByText('The activity could not be exported')).toBeInTheDocument();
    expect(screen.getByText('The disk is full. Free some space and try again.')).toBeInTheDocument();
  });

  it('prints a summary of what is shown, counted by mailbox, direction and outcome', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined);
    const { user } = await openActivity();
    await user.click(screen.getByRole('button', { name: 'Print summary' }));
    expect(print).toHaveBeenCalledOnce();
    const summary = screen.getByRole('region', { name: 'Printable summary', hidden: true });
    const table = (caption: string) =>
      within(within(summary).getByRole('table', { name: caption, hidden: true }))
        .getAllByRole('row', { hidden: true })
        .map((row) => row.textContent);
    expect(table('By mailbox')).toEqual(['X26ABC1 (integration)3']);
    expect(table('By direction')).toEqual(['Sent2', 'Received1']);
    expect(table('By outcome')).toEqual(['Done2', 'Failed1']);
    expect(summary).toHaveTextContent('Everything in the record.');
    expect(summary).toHaveTextContent('3 entries, from 8 Mar 2026, 08:00 to 10 Mar 2026, 12:00.');
  });

  it('asks main for a page at a time, and for the other end when sorted oldest first', async () => {
    const many = Array.from({ length: 450 }, (_, i) =>
      entry({ sequence: 450 - i, subject: i === 0 ? 'Referral letter' : `Letter ${450 - i}` }),
    );
    const { fake, user, grid } = await openActivity({ listActivity: list(many, { total: 450 }) as Answers['listActivity'] });
    expect(grid).toHaveAttribute('aria-rowcount', '451');
    expect(screen.getByText('450 entries')).toBeInTheDocument();
    // The rows on screen are all in the first page: nothing more is asked for, and nothing twice.
    expect(activityCalls(fake).map((c) => c.args[1])).toEqual([FIRST_PAGE]);
    await user.click(within(grid).getByRole('button', { name: /When/ }));
    expect(await within(grid).findByText('Letter 1')).toBeInTheDocument();
    expect(activityCalls(fake).at(-1)!.args[1]).toEqual({ ...FIRST_PAGE, oldestFirst: true });
    expect(rows(grid)[0]!.querySelectorAll('td')[2]!.textContent).toBe('Letter 1');
  });
});
