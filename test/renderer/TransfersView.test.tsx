import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh, type Answers } from './fake-mesh';
import { appInfo, baseAnswers, ok, resetStores, transfer } from './fixtures';
import type { TransferView } from '../../main/contract/types';

beforeEach(resetStores);

async function openTransfers(list: TransferView[], answers: Answers = {}) {
  const fake = installFakeMesh(baseAnswers({ listTransfers: () => ok(list), ...answers }));
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Transfers' }));
  expect(screen.getByRole('heading', { level: 1, name: 'Transfers' })).toBeInTheDocument();
  return { fake, user };
}

const card = (name: string) => screen.getByRole('listitem', { name });

describe('transfers', () => {
  it('shows progress with rate, time left and part, as a progress bar screen readers can read', async () => {
    await openTransfers([transfer()]);
    const item = await screen.findByRole('listitem', { name: 'Sending scan.zip to Y12XYZ9' });
    const bar = within(item).getByRole('progressbar', { name: 'Sending scan.zip to Y12XYZ9' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(bar).toHaveAttribute('aria-valuetext', '25%, 50 MB of 200 MB · 2 MB per second · about 1 minute left · part 2 of 4');
    expect(item).toHaveTextContent('In progress');
  });

  it('pauses, resumes, cancels and retries through main', async () => {
    const running = transfer({ id: 'run', title: 'a.zip' });
    const paused = transfer({ id: 'pau', title: 'b.zip', state: 'paused' });
    const failed = transfer({
      id: 'fail',
      title: 'c.zip',
      state: 'failed',
      error: { code: 'network-unreachable', message: 'The network connection was lost. It will carry on from where it stopped.' },
    });
    const { user, fake } = await openTransfers([running, paused, failed], {
      pauseTransfer: (id) => ok({ ...running, id: id as string, state: 'paused' }),
      resumeTransfer: (id) => ok({ ...paused, id: id as string, state: 'running' }),
      cancelTransfer: (id) => ok({ ...paused, id: id as string, state: 'cancelled' }),
      retryTransfer: (id) => ok({ ...failed, id: id as string, state: 'queued', error: undefined }),
    });
    await screen.findByRole('listitem', { name: 'Sending a.zip to Y12XYZ9' });

    await user.click(within(card('Sending a.zip to Y12XYZ9')).getByRole('button', { name: 'Pause Sending a.zip to Y12XYZ9' }));
    await user.click(within(card('Sending b.zip to Y12XYZ9')).getByRole('button', { name: 'Resume Sending b.zip to Y12XYZ9' }));
    const failedCard = card('Sending c.zip to Y12XYZ9');
    expect(failedCard).toHaveTextContent('What went wrong: The network connection was lost. It will carry on from where it stopped.');
    await user.click(within(failedCard).getByRole('button', { name: 'Try again Sending c.zip to Y12XYZ9' }));
    expect(fake.calls.filter((c) => /Transfer$/.test(c.name)).map((c) => `${c.name} ${String(c.args[0])}`)).toEqual([
      'pauseTransfer run',
      'resumeTransfer pau',
      'retryTransfer fail',
    ]);

    await user.click(within(card('Sending b.zip to Y12XYZ9')).getByRole('button', { name: 'Cancel Sending b.zip to Y12XYZ9' }));
    expect(fake.calls.at(-1)).toEqual({ name: 'cancelTransfer', args: ['pau'] });
    expect(within(card('Sending b.zip to Y12XYZ9')).getByText('Cancelled')).toBeInTheDocument();
  });

  it('says why a button press did not work', async () => {
    const { user } = await openTransfers([transfer()], {
      cancelTransfer: () => ({
        ok: false,
        error: { code: 'message-finalised', message: 'It cannot be cancelled now: MESH already has the whole file.' },
      }),
    });
    await user.click(await screen.findByRole('button', { name: 'Cancel Sending scan.zip to Y12XYZ9' }));
    expect(await screen.findByText('It cannot be cancelled now: MESH already has the whole file.')).toBeInTheDocument();
  });

  it('follows progress and list changes pushed from main, and announces state changes', async () => {
    const fake = installFakeMesh(baseAnswers({ listTransfers: () => ok([transfer()]) }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Transfers' }));
    await screen.findByRole('progressbar');
    act(() => fake.emit('transfer-progress', transfer({ bytesDone: 150 * 1024 * 1024, chunk: 3 })));
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75');
    act(() => fake.emit('transfer-progress', transfer({ state: 'done', bytesDone: 200 * 1024 * 1024, savedPath: undefined })));
    expect(screen.getByText('Sending scan.zip to Y12XYZ9 finished.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 2, name: 'Finished' })).toBeInTheDocument();
    act(() => fake.emit('transfers-changed', []));
    expect(screen.getByText('Nothing is being sent or received right now.')).toBeInTheDocument();
  });

  it('offers Show in folder for a finished download', async () => {
    const { user, fake } = await openTransfers(
      [transfer({ direction: 'download', state: 'done', savedPath: 'C:\\MESH\\in.csv', title: 'in.csv' })],
      { showInFolder: () => ok(null) },
    );
    await user.click(await screen.findByRole('button', { name: 'Show in folder in.csv' }));
    expect(fake.calls.find((c) => c.name === 'showInFolder')?.args).toEqual(['C:\\MESH\\in.csv']);
  });

  it('says when a saved transfer record was set aside at start-up, and where it went', async () => {
    const sentence =
      'One saved transfer record could not be read and was set aside as C:\\Data\\journal\\x.json.unreadable. Nothing else was affected.';
    await openTransfers([transfer()], { getAppInfo: () => ok(appInfo({ transferProblems: [sentence] })) });
    expect(await screen.findByText(sentence)).toBeInTheDocument();
    // role="text" keeps the callout's label one phrase for screen readers, so its name is read from the text.
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toContain('Important: Saved transfers set aside');
    // The transfers that did load are shown as usual.
    expect(screen.getByRole('listitem', { name: 'Sending scan.zip to Y12XYZ9' })).toBeInTheDocument();
  });

  it('says nothing about set-aside records when there were none', async () => {
    await openTransfers([transfer()]);
    await screen.findByRole('listitem', { name: 'Sending scan.zip to Y12XYZ9' });
    expect(screen.queryByText(/set aside/)).not.toBeInTheDocument();
  });

  it('shows the number in progress beside the folder', async () => {
    installFakeMesh(
      baseAnswers({
        listTransfers: () => ok([transfer({ id: '1' }), transfer({ id: '2', state: 'queued' }), transfer({ id: '3', state: 'done' })]),
      }),
    );
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Mailboxes and folders' });
    expect(await within(nav).findByRole('button', { name: 'Transfers', description: '2 in progress' })).toBeInTheDocument();
  });
});
