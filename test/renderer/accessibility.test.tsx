import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh } from './fake-mesh';
import { baseAnswers, inboxItem, mailbox, ok, resetStores, sentItem, settingsSnapshot, transfer } from './fixtures';

beforeEach(resetStores);

/** Every axe rule that can be judged without a layout engine (colour contrast needs real rendering). */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('accessibility (axe)', () => {
  it('finds no problems on any page, with data in every list', async () => {
    installFakeMesh(
      baseAnswers({
        listMailboxes: () =>
          ok([mailbox({ unread: 2 }), mailbox({ id: 't', mailboxId: 'TRAIN1', displayName: 'Practice', training: true })]),
        listInbox: () => ok([inboxItem(), inboxItem({ messageId: 'R', type: 'REPORT', report: { linkedMessageId: 'OUT-1' } })]),
        listSent: () => ok([sentItem()]),
        listTransfers: () =>
          ok([transfer(), transfer({ id: 'f', state: 'failed', error: { code: 'timeout', message: 'MESH took too long to answer.' } })]),
        getSettings: () => ok(settingsSnapshot({ problems: ['A problem'] })),
        listActivity: () =>
          ok({
            entries: [
              {
                sequence: 1,
                atUtc: '2026-03-10T12:00:00.000Z',
                atLocal: '2026-03-10T12:00:00.000+00:00',
                action: 'Message sent',
                direction: 'sent',
                outcome: 'ok',
                outcomeText: 'Sent',
                who: { account: 'jsmith', via: 'window' },
                subject: 'Blood results',
              },
            ],
            offset: 0,
            matched: 1,
            total: 1,
            summary: { entries: 1, byMailbox: [], byDirection: [{ label: 'Sent', count: 1 }], byOutcome: [{ label: 'Done', count: 1 }] },
            verified: { ok: true, sentence: 'The audit trail is complete and unaltered.' },
          }),
      }),
    );
    const user = userEvent.setup();
    render(<App />);
    const grid = await screen.findByRole('grid');
    await within(grid).findAllByText('Blood results');
    await user.click(within(grid).getAllByRole('row')[1]!);
    expect(await violations()).toEqual([]);

    const nav = screen.getByRole('navigation', { name: 'Mailboxes and folders' });
    for (const folder of ['Sent', 'New message', 'Transfers', 'Activity', 'Settings']) {
      await user.click(within(nav).getByRole('button', { name: folder }));
      await screen.findByRole('heading', { level: 1, name: folder });
      if (folder === 'New message') await user.click(screen.getByRole('button', { name: 'Send message' }));
      expect(await violations()).toEqual([]);
    }
    // Six full axe runs over a rendered window: about 5 s alone on this 2-core machine, more when it is shared.
  }, 30_000);

  it('finds no problems on the first-run pages', async () => {
    installFakeMesh(baseAnswers({ listMailboxes: () => ok([]) }));
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' });
    expect(await violations()).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Set up your mailbox' }));
    await user.click(screen.getByRole('button', { name: 'Add mailbox and test the connection' }));
    expect(await violations()).toEqual([]);
  });
});
