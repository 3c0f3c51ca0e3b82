import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh, type Answers } from './fake-mesh';
import { baseAnswers, ok, resetStores, sentItem, transfer } from './fixtures';

beforeEach(resetStores);

const uploading = sentItem({
  id: 'up',
  messageId: undefined,
  subject: 'Big scan',
  status: 'uploading',
  size: 200,
  transferId: 't-9',
  sentAt: '2026-03-10T12:00:00Z',
});
const failed = sentItem({
  id: 'bad',
  messageId: 'OUT-2',
  subject: 'Referral',
  status: 'undeliverable',
  statusDescription: 'Unregistered to address',
  statusCode: '12',
  sentAt: '2026-03-10T11:00:00Z',
});
const collected = sentItem({ id: 'ok', messageId: 'OUT-3', subject: 'Results', status: 'acknowledged', sentAt: '2026-03-10T10:00:00Z' });

async function openSent(answers: Answers = {}) {
  const fake = installFakeMesh(
    baseAnswers({
      listSent: () => ok([uploading, failed, collected]),
      listTransfers: () => ok([transfer({ id: 't-9', bytesDone: 90, bytesTotal: 200 })]),
      ...answers,
    }),
  );
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Sent' }));
  const grid = await screen.findByRole('grid', { name: 'Messages sent from Riverside Surgery' });
  await within(grid).findByText('Big scan');
  return { fake, user, grid };
}

const rows = (grid: HTMLElement) => within(grid).getAllByRole('row').slice(1);

describe('Sent', () => {
  it('shows each message with its live status, joining uploads to their progress', async () => {
    const { grid } = await openSent();
    expect(rows(grid).map((row) => within(row).getByText(/Sending|Not delivered|Collected/).textContent)).toEqual([
      'Sending 45%',
      'Not delivered',
      'Collected',
    ]);
  });

  it('follows upload progress pushed from main', async () => {
    const { grid, fake } = await openSent();
    act(() => fake.emit('transfer-progress', transfer({ id: 't-9', bytesDone: 180, bytesTotal: 200 })));
    expect(within(rows(grid)[0]!).getByText('Sending 90%')).toBeInTheDocument();
  });

  it('explains why a message was not delivered', async () => {
    const { user, grid } = await openSent();
    await user.click(rows(grid)[1]!);
    const pane = screen.getByRole('region', { name: 'Selected sent message' });
    expect(pane).toHaveTextContent('MESH could not deliver it: Unregistered to address');
    expect(pane).toHaveTextContent('MESH code: 12');
  });

  it('copies the message ID', async () => {
    const { user, grid } = await openSent();
    await user.click(rows(grid)[2]!);
    await user.click(screen.getByRole('button', { name: 'Copy message ID' }));
    expect(await screen.findByText('Message ID copied.')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe('OUT-3');
  });

  it('refreshes the status of one message, or of all', async () => {
    const { user, grid, fake } = await openSent({ refreshSent: () => ok([{ ...failed, status: 'acknowledged' }]) });
    await user.click(rows(grid)[1]!);
    const pane = screen.getByRole('region', { name: 'Selected sent message' });
    await user.click(within(pane).getByRole('button', { name: 'Refresh status' }));
    expect(fake.calls.filter((c) => c.name === 'refreshSent').map((c) => c.args)).toEqual([['riverside', 'OUT-2']]);
    expect(await within(rows(grid)[1]!).findByText('Collected')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Refresh status' })[0]!);
    expect(fake.calls.filter((c) => c.name === 'refreshSent').map((c) => c.args)[1]).toEqual(['riverside']);
  });

  it('filters by status and searches', async () => {
    const { user, grid } = await openSent();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Not delivered or failed');
    expect(rows(grid)).toHaveLength(1);
    expect(rows(grid)[0]).toHaveTextContent('Referral');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Any status');
    await user.type(screen.getByRole('searchbox', { name: /Search/ }), 'results');
    expect(rows(grid)).toHaveLength(1);
    expect(rows(grid)[0]).toHaveTextContent('Results');
  });

  it('reloads when main says Sent changed', async () => {
    let answer = [collected];
    const fake = installFakeMesh(baseAnswers({ listSent: () => ok(answer) }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Sent' }));
    const grid = await screen.findByRole('grid', { name: 'Messages sent from Riverside Surgery' });
    await within(grid).findByText('Results');
    answer = [collected, failed];
    act(() => fake.emit('sent-changed', { profileId: 'riverside' }));
    expect(await within(grid).findByText('Referral')).toBeInTheDocument();
  });

  it('shows the newest list when two loads answer out of order', async () => {
    let hold = false;
    const held: ((reply: ReturnType<typeof ok>) => void)[] = [];
    const fake = installFakeMesh(baseAnswers({ listSent: () => (hold ? new Promise((resolve) => held.push(resolve)) : ok([collected])) }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Sent' }));
    const grid = await screen.findByRole('grid', { name: 'Messages sent from Riverside Surgery' });
    await within(grid).findByText('Results');
    hold = true;
    act(() => fake.emit('sent-changed', { profileId: 'riverside' }));
    act(() => fake.emit('sent-changed', { profileId: 'riverside' }));
    await vi.waitFor(() => expect(held).toHaveLength(2));
    await act(async () => held[1]!(ok([collected, failed])));
    expect(await within(grid).findByText('Referral')).toBeInTheDocument();
    await act(async () => held[0]!(ok([collected])));
    expect(within(grid).getByText('Referral')).toBeInTheDocument();
  });
});
