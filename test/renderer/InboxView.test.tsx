import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh, type Answers } from './fake-mesh';
import { baseAnswers, inboxItem, ok, reopenWindow, resetStores, sentItem } from './fixtures';

beforeEach(resetStores);

const results = inboxItem({
  messageId: 'MSG-1',
  subject: 'Blood results',
  receivedAt: '2026-03-10T09:00:00Z',
  headers: { 'mex-from': 'Y12XYZ9', 'mex-workflowid': 'PATH_BS_R4', 'mex-content-compressed': 'Y', 'mex-chunk-range': '1:3' },
  chunks: 3,
});
const letter = inboxItem({
  messageId: 'MSG-2',
  subject: 'Clinic letter',
  fileName: 'letter.pdf',
  receivedAt: '2026-03-09T09:00:00Z',
  from: { mailboxId: 'Z99', organisation: 'Valley Hospital' },
});
const report = inboxItem({
  messageId: 'RPT-1',
  type: 'REPORT',
  subject: undefined,
  fileName: undefined,
  receivedAt: '2026-03-08T09:00:00Z',
  from: { mailboxId: 'CENTRAL', name: 'Central System Mailbox' },
  report: { linkedMessageId: 'OUT-7', code: '14', event: 'SEND', description: 'Message not collected by recipient after 5 days' },
  headers: { 'mex-messagetype': 'REPORT', 'mex-linkedmsgid': 'OUT-7' },
});

async function openInbox(answers: Answers = {}) {
  const fake = installFakeMesh(baseAnswers({ listInbox: () => ok([results, letter, report]), ...answers }));
  const user = userEvent.setup();
  render(<App />);
  const grid = await screen.findByRole('grid', { name: 'Messages in Riverside Surgery' });
  await within(grid).findByText('Blood results');
  return { fake, user, grid };
}

/** Presses Tab until the element has focus, as a keyboard user would. */
async function tabTo(user: ReturnType<typeof userEvent.setup>, element: HTMLElement) {
  for (let presses = 0; presses < 40 && document.activeElement !== element; presses++) await user.tab();
  expect(element).toHaveFocus();
}

const dataRows = (grid: HTMLElement) => within(grid).getAllByRole('row').slice(1);
const detail = () => screen.getByRole('region', { name: 'Selected message' });

describe('the inbox list', () => {
  it('shows who it is from, what it is, when it arrived and how big it is, as a mail list does', async () => {
    const { grid } = await openInbox();
    expect(grid).toHaveAttribute('aria-rowcount', '4');
    expect(
      within(grid)
        .getAllByRole('columnheader')
        .map((h) => h.getAttribute('aria-label') ?? h.textContent),
    ).toEqual(['', 'From', 'Subject', 'Received', 'Size']);
    const [first, second, third] = dataRows(grid);
    expect(first).toHaveTextContent('Hilltop Trust Pathology (Y12XYZ9)');
    expect(first).toHaveTextContent('Blood results');
    expect(first).toHaveTextContent('10 Mar 2026');
    expect(first).toHaveTextContent('2 KB');
    expect(first).not.toHaveTextContent('PATH_BS_R4');
    expect(second).toHaveTextContent('Valley Hospital (Z99)');
    expect(within(third!).getByText('Not delivered')).toHaveClass('nhsuk-tag--red');
  });

  it('adds and hides columns from View, and remembers the choice and widths for the mailbox', async () => {
    const { user, grid } = await openInbox();
    await user.click(screen.getByRole('button', { name: /^View/ }));
    const view = screen.getByRole('group', { name: 'View' });
    await user.click(within(view).getByRole('checkbox', { name: 'Workflow' }));
    await user.click(within(view).getByRole('checkbox', { name: 'Size' }));
    expect(within(grid).getByRole('columnheader', { name: 'Workflow' })).toBeInTheDocument();
    expect(within(grid).queryByRole('columnheader', { name: 'Size' })).toBeNull();
    expect(dataRows(grid)[0]).not.toHaveTextContent('2 KB');

    const handle = within(grid).getByRole('separator', { name: 'Width of the Subject column' });
    const before = Number(handle.getAttribute('aria-valuenow'));
    handle.focus();
    await user.keyboard('{ArrowRight}{ArrowRight}');
    const after = Number(within(grid).getByRole('separator', { name: 'Width of the Subject column' }).getAttribute('aria-valuenow'));
    expect(after).toBeGreaterThan(before);

    // A fresh window on this computer: the same columns and widths come back.
    reopenWindow();
    const again = await openInbox();
    expect(within(again.grid).getByRole('columnheader', { name: 'Workflow' })).toBeInTheDocument();
    expect(within(again.grid).queryByRole('columnheader', { name: 'Size' })).toBeNull();
    expect(Number(within(again.grid).getByRole('separator', { name: 'Width of the Subject column' }).getAttribute('aria-valuenow'))).toBe(
      after,
    );
  });

  it('puts the reading pane on the right, at the bottom or nowhere, and remembers it', async () => {
    const { user, grid } = await openInbox();
    await user.click(dataRows(grid)[0]!);
    expect(detail()).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /^View/ }));
    await user.click(within(screen.getByRole('group', { name: 'View' })).getByRole('radio', { name: 'Off' }));
    expect(screen.queryByRole('region', { name: 'Selected message' })).toBeNull();
    await user.click(within(screen.getByRole('group', { name: 'View' })).getByRole('radio', { name: 'Bottom' }));
    expect(detail()).toBeInTheDocument();
    expect(screen.getByRole('separator', { name: /reading pane/i })).toHaveAttribute('aria-orientation', 'horizontal');

    reopenWindow();
    const again = await openInbox();
    await again.user.click(dataRows(again.grid)[0]!);
    expect(screen.getByRole('separator', { name: /reading pane/i })).toHaveAttribute('aria-orientation', 'horizontal');
  });

  it('sorts when a column heading is pressed, and says how', async () => {
    const { user, grid } = await openInbox();
    const subject = within(grid).getByRole('columnheader', { name: 'Subject' });
    await user.click(within(subject).getByRole('button', { name: 'Subject' }));
    expect(subject).toHaveAttribute('aria-sort', 'ascending');
    expect(dataRows(grid).map((row) => row.textContent)).toEqual([
      expect.stringContaining('Blood results'),
      expect.stringContaining('Clinic letter'),
      expect.stringContaining('A message you sent did not arrive'),
    ]);
    await user.click(within(subject).getByRole('button', { name: 'Subject' }));
    expect(subject).toHaveAttribute('aria-sort', 'descending');
  });

  it('filters by type and searches', async () => {
    const { user, grid } = await openInbox();
    expect(screen.queryByRole('combobox', { name: 'Type' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Filters' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'Non-delivery reports only');
    expect(dataRows(grid)).toHaveLength(1);
    expect(screen.getByText(/^1 of 3 messages/)).toBeInTheDocument();
    const chips = screen.getByRole('list', { name: 'Filters in force' });
    expect(within(chips).getByRole('button', { name: /Non-delivery reports only/ })).toBeInTheDocument();
    await user.click(within(chips).getByRole('button', { name: /Non-delivery reports only/ }));
    expect(dataRows(grid)).toHaveLength(3);
    await user.type(screen.getByRole('searchbox', { name: /Search/ }), 'letter');
    expect(dataRows(grid)).toHaveLength(1);
    expect(dataRows(grid)[0]).toHaveTextContent('Clinic letter');
  });

  it('says so when nothing is waiting', async () => {
    installFakeMesh(baseAnswers());
    render(<App />);
    expect(await screen.findByText('No messages are waiting. New ones appear here when MESH delivers them.')).toBeInTheDocument();
  });

  it('reloads when main says the inbox changed', async () => {
    let answer = [results];
    const fake = installFakeMesh(baseAnswers({ listInbox: () => ok(answer) }));
    render(<App />);
    const grid = await screen.findByRole('grid', { name: 'Messages in Riverside Surgery' });
    await within(grid).findByText('Blood results');
    answer = [results, letter];
    act(() => fake.emit('inbox-changed', { profileId: 'riverside' }));
    expect(await within(grid).findByText('Clinic letter')).toBeInTheDocument();
  });

  it('draws only the rows in view, even for thousands of messages', async () => {
    const many = Array.from({ length: 3000 }, (_, n) =>
      inboxItem({ messageId: `M${n}`, subject: `Message ${n}`, receivedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString() }),
    );
    installFakeMesh(baseAnswers({ listInbox: () => ok(many) }));
    render(<App />);
    const grid = await screen.findByRole('grid', { name: 'Messages in Riverside Surgery' });
    await within(grid).findByText('Message 2999');
    expect(grid).toHaveAttribute('aria-rowcount', '3001');
    expect(within(grid).getAllByRole('row').length).toBeLessThan(60);
  });
});

describe('reading a message', () => {
  it('shows every detail, with headers in plain words, when a row is chosen', async () => {
    const { user, grid } = await openInbox();
    await user.click(dataRows(grid)[0]!);
    expect(dataRows(grid)[0]).toHaveAttribute('aria-selected', 'true');
    const pane = detail();
    expect(within(pane).getByRole('heading', { level: 2, name: 'Blood results' })).toBeInTheDocument();
    const headers = within(pane).getByLabelText('Message headers');
    expect(headers).toHaveTextContent("Sender's mailbox IDmex-fromY12XYZ9");
    expect(headers).toHaveTextContent('Compressed by the sendermex-content-compressedYes');
    expect(headers).toHaveTextContent('Partmex-chunk-range1 of 3');
    expect(within(pane).getByLabelText('About this message')).toHaveTextContent('Saved on this computerNot yet');
  });

  it('moves with the arrow keys, ticks with Space and opens with Enter', async () => {
    const { user, grid } = await openInbox();
    await tabTo(user, grid);
    expect(dataRows(grid)[0]).toHaveAttribute('aria-selected', 'true');
    expect(grid).toHaveAttribute('aria-activedescendant', dataRows(grid)[0]!.id);
    await user.keyboard('{ArrowDown}');
    expect(dataRows(grid)[1]).toHaveAttribute('aria-selected', 'true');
    expect(grid).toHaveAttribute('aria-activedescendant', dataRows(grid)[1]!.id);
    await user.keyboard('{End}');
    expect(dataRows(grid)[2]).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{Home}');
    await user.keyboard(' ');
    expect(within(dataRows(grid)[0]!).getByRole('checkbox')).toBeChecked();
    expect(screen.getByText('1 message ticked')).toBeInTheDocument();
    await user.keyboard('{Enter}');
    await act(() => new Promise((resolve) => window.requestAnimationFrame(() => resolve(undefined))));
    expect(within(detail()).getByRole('heading', { level: 2, name: 'Blood results' })).toHaveFocus();
  });

  it('shows a non-delivery report as such, linked to the sent message it is about', async () => {
    const { user, grid } = await openInbox({
      listSent: () =>
        ok([
          sentItem({ id: 'local-7', messageId: 'OUT-7', subject: 'Referral letter' }),
          sentItem({ id: 'local-8', messageId: 'OUT-8', subject: 'Other' }),
        ]),
    });
    await user.click(dataRows(grid)[2]!);
    const pane = detail();
    expect(within(pane).getByRole('heading', { level: 2, name: 'Non-delivery report' })).toBeInTheDocument();
    expect(pane).toHaveTextContent('Message not collected by recipient after 5 days');
    expect(pane).toHaveTextContent('MESH code: SEND 14');
    await user.click(within(pane).getByRole('link', { name: 'Open the message that was not delivered, in Sent' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sent' })).toBeInTheDocument();
    const sentGrid = await screen.findByRole('grid', { name: 'Messages sent from Riverside Surgery' });
    const selected = await within(sentGrid).findByRole('row', { selected: true });
    expect(selected).toHaveTextContent('Referral letter');
    expect(screen.getByRole('region', { name: 'Selected sent message' })).toHaveTextContent('OUT-7');
  });

  it('downloads to the mailbox folder, or to a folder the person chooses', async () => {
    const { user, grid, fake } = await openInbox({
      downloadMessages: () => ok(['C:\\MESH\\results.csv']),
      chooseFolder: () => ok('D:\\Team'),
    });
    await user.click(dataRows(grid)[0]!);
    await user.click(within(detail()).getByRole('button', { name: 'Download' }));
    expect(fake.calls.filter((c) => c.name === 'downloadMessages').map((c) => c.args)).toEqual([['riverside', ['MSG-1']]]);
    expect(await screen.findByText(/^Saving the message…|^Saved$/)).toBeInTheDocument();
    await user.click(within(detail()).getByRole('button', { name: 'Save as…' }));
    expect(fake.calls.filter((c) => c.name === 'downloadMessages').map((c) => c.args)[1]).toEqual([
      'riverside',
      ['MSG-1'],
      { folder: 'D:\\Team' },
    ]);
    expect(await screen.findByText('D:\\Team')).toBeInTheDocument();
  });

  it('offers Show in folder once the file is saved', async () => {
    const saved = inboxItem({ ...results, savedPath: 'C:\\MESH\\results.csv' });
    const { user, grid, fake } = await openInbox({ listInbox: () => ok([saved]), showInFolder: () => ok(null) });
    await user.click(dataRows(grid)[0]!);
    await user.click(within(detail()).getByRole('button', { name: 'Show in folder' }));
    expect(fake.calls.find((c) => c.name === 'showInFolder')?.args).toEqual(['C:\\MESH\\results.csv']);
  });

  it('opens the saved file, and says why when main refuses', async () => {
    const saved = inboxItem({ ...results, savedPath: 'C:\\MESH\\setup.exe' });
    const refusal = 'MESH Desktop does not open programs or scripts it received (setup.exe).';
    const { user, grid, fake } = await openInbox({
      listInbox: () => ok([saved]),
      openFile: () => ({ ok: false, error: { code: 'invalid-argument', message: refusal } }),
    });
    await user.click(dataRows(grid)[0]!);
    await user.click(within(detail()).getByRole('button', { name: 'Open' }));
    expect(fake.calls.find((c) => c.name === 'openFile')?.args).toEqual(['C:\\MESH\\setup.exe']);
    expect(await screen.findByText(refusal)).toBeInTheDocument();
  });
});

describe('acknowledging', () => {
  it('asks first, in the page, warning that it removes the message for everyone', async () => {
    const { user, grid, fake } = await openInbox({ acknowledgeMessages: () => ok({ acknowledged: ['MSG-1'], failed: [] }) });
    await user.click(dataRows(grid)[0]!);
    await user.click(within(detail()).getByRole('button', { name: 'Acknowledge…' }));
    const confirm = screen.getByRole('alertdialog', { name: /Acknowledge this message\?/ });
    expect(confirm).toHaveTextContent('for everyone who uses that mailbox');
    expect(confirm).toHaveTextContent('This message has not been saved on this computer.');
    expect(within(confirm).getByRole('heading', { name: /Acknowledge this message\?/ })).toHaveFocus();

    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog', { name: /Acknowledge this message\?/ })).toBeNull();
    expect(fake.calls.some((c) => c.name === 'acknowledgeMessages')).toBe(false);

    await user.click(within(detail()).getByRole('button', { name: 'Acknowledge…' }));
    await user.click(screen.getByRole('button', { name: 'Yes, acknowledge it' }));
    expect(fake.calls.find((c) => c.name === 'acknowledgeMessages')?.args).toEqual(['riverside', ['MSG-1']]);
    expect(await screen.findByText('1 message acknowledged')).toBeInTheDocument();
    expect(within(grid).queryByText('Blood results')).toBeNull();
  });

  it('works on ticked messages in bulk and reports any that failed', async () => {
    const { user, grid, fake } = await openInbox({
      downloadMessages: () => ok([]),
      acknowledgeMessages: () =>
        ok({ acknowledged: ['MSG-1'], failed: [{ messageId: 'MSG-2', message: 'MESH no longer has this message.' }] }),
    });
    await user.click(within(dataRows(grid)[0]!).getByRole('checkbox'));
    await user.click(within(dataRows(grid)[1]!).getByRole('checkbox'));
    const bulk = screen.getByRole('region', { name: 'Ticked messages' });
    expect(bulk).toHaveTextContent('2 messages ticked');

    await user.click(within(bulk).getByRole('button', { name: 'Download ticked' }));
    expect(fake.calls.find((c) => c.name === 'downloadMessages')?.args).toEqual(['riverside', ['MSG-1', 'MSG-2']]);

    await user.click(within(bulk).getByRole('button', { name: 'Acknowledge ticked…' }));
    const confirm = screen.getByRole('alertdialog', { name: /Acknowledge 2 messages\?/ });
    expect(confirm).toHaveTextContent('2 of them have not been saved on this computer.');
    await user.click(within(confirm).getByRole('button', { name: 'Yes, acknowledge them' }));
    expect(fake.calls.find((c) => c.name === 'acknowledgeMessages')?.args).toEqual(['riverside', ['MSG-1', 'MSG-2']]);
    const outcome = await screen.findByRole('alert');
    expect(outcome).toHaveTextContent('1 message could not be acknowledged');
    expect(outcome).toHaveTextContent('MSG-2: MESH no longer has this message.');
    expect(screen.getByRole('region', { name: 'Ticked messages' })).toHaveTextContent('1 message ticked');
  });

  it('ticks and unticks everything shown from the heading', async () => {
    const { user, grid } = await openInbox();
    await user.click(within(grid).getByRole('checkbox', { name: 'Tick all shown' }));
    expect(screen.getByText('3 messages ticked')).toBeInTheDocument();
    await user.click(within(grid).getByRole('checkbox', { name: 'Untick all shown' }));
    expect(screen.queryByRole('region', { name: 'Ticked messages' })).toBeNull();
  });
});

describe('checking for messages', () => {
  it('checks now and says when the next check is allowed', async () => {
    const { user, fake } = await openInbox({
      checkNow: () =>
        ok({ checkedAt: '2026-03-10T10:00:00Z', nextAllowedAt: new Date(Date.now() + 5 * 60_000).toISOString(), newMessages: 2 }),
    });
    await user.click(screen.getByRole('button', { name: 'Check now' }));
    expect(fake.calls.find((c) => c.name === 'checkNow')?.args).toEqual(['riverside']);
    expect(await screen.findByText(/2 new messages\. You can check again after \d\d:\d\d\./)).toBeInTheDocument();
  });

  it('says when MESH’s five-minute limit held a check back', async () => {
    const { user } = await openInbox({
      checkNow: () => ok({ nextAllowedAt: new Date(Date.now() + 3 * 60_000).toISOString(), newMessages: 0 }),
    });
    await user.click(screen.getByRole('button', { name: 'Check now' }));
    expect(await screen.findByText(/Checked a moment ago\. You can check again after \d\d:\d\d\./)).toBeInTheDocument();
  });

  it('explains a refused check in words', async () => {
    const { user } = await openInbox({
      checkNow: () => ({
        ok: false,
        error: { code: 'network-unreachable', message: 'MESH could not be reached. Check your network connection.' },
      }),
    });
    await user.click(screen.getByRole('button', { name: 'Check now' }));
    expect(await screen.findByText('MESH could not be reached. Check your network connection.')).toBeInTheDocument();
  });
});
