import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { installFakeMesh } from './fake-mesh';
import { appInfo, baseAnswers, mailbox, ok, resetStores } from './fixtures';

beforeEach(resetStores);

describe('the app shell', () => {
  it('shows what main says about the installation', async () => {
    installFakeMesh(baseAnswers({ listMailboxes: () => ok([]) }));
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(screen.getByTestId('about-version')).toHaveTextContent('MESH Desktop 1.2.3');
    expect(screen.getByTestId('about-data-folder')).toHaveTextContent(appInfo().dataFolder);
    expect(screen.getByTestId('about-running-as')).toHaveTextContent('Browser preview');
    expect(screen.getByText('No mailbox is set up on this computer yet.')).toBeInTheDocument();
  });

  it('lists mailboxes with their waiting messages and follows changes pushed from main', async () => {
    const fake = installFakeMesh(baseAnswers({ listMailboxes: () => ok([mailbox({ unread: 3 })]) }));
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Mailboxes and folders' });
    const riverside = within(nav).getByRole('button', { name: /Riverside Surgery/ });
    expect(riverside).toHaveAttribute('aria-current', 'true');
    expect(riverside).toHaveTextContent('3 messages waiting');
    // The folder keeps its plain name; the count is its description.
    expect(within(nav).getByRole('button', { name: 'Inbox' })).toHaveAccessibleDescription('3 messages waiting');

    act(() => fake.emit('mailboxes-changed', [mailbox({ id: 'b', mailboxId: 'X26ABC2', displayName: 'Hilltop Care Home', unread: 0 })]));
    expect(within(nav).queryByText('Riverside Surgery')).toBeNull();
    expect(within(nav).getByRole('button', { name: /Hilltop Care Home/ })).toHaveAttribute('aria-current', 'true');
    expect(within(nav).getByRole('button', { name: 'Inbox' })).not.toHaveAccessibleDescription();
  });

  it('reaches every folder from the navigation, one heading per page', async () => {
    installFakeMesh(baseAnswers());
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Mailboxes and folders' });
    for (const [button, heading] of [
      ['Sent', 'Sent'],
      ['New message', 'New message'],
      ['Transfers', 'Transfers'],
      ['Settings', 'Settings'],
      ['Inbox', 'Inbox'],
    ]) {
      await userEvent.click(within(nav).getByRole('button', { name: button }));
      // Focus moves once the new view has been painted.
      await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: heading })).toHaveFocus());
      expect(within(nav).getByRole('button', { name: button })).toHaveAttribute('aria-current', 'page');
    }
  });

  it('explains a failure to start in words, not a stack trace', async () => {
    installFakeMesh(
      baseAnswers({
        getAppInfo: () => ({ ok: false, error: { code: 'settings-corrupt', message: 'Your settings file could not be read.' } }),
      }),
    );
    render(<App />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your settings file could not be read.');
  });

  it('shows the connection and a certificate warning in the status bar', async () => {
    installFakeMesh(
      baseAnswers({
        listMailboxes: () =>
          ok([
            mailbox({
              status: { connection: 'failed', problem: 'MESH refused the password.' },
              certificate: {
                subject: 'CN=x',
                issuer: 'NHS',
                notAfter: '2026-04-01T00:00:00Z',
                daysUntilExpiry: 10,
                state: 'expiring-soon',
                warning: 'It expires in 10 days. Ask for a new one now.',
              },
            }),
          ]),
      }),
    );
    render(<App />);
    const status = await screen.findByRole('contentinfo');
    expect(status).toHaveTextContent('Not connected — MESH refused the password.');
    expect(status).toHaveTextContent('Certificate: It expires in 10 days. Ask for a new one now.');
  });

  it('opens New message with Ctrl+N, as Outlook does', async () => {
    installFakeMesh(baseAnswers());
    render(<App />);
    await screen.findByRole('heading', { level: 1, name: 'Inbox' });
    await userEvent.keyboard('{Control>}n{/Control}');
    expect(screen.getByRole('heading', { level: 1, name: 'New message' })).toBeInTheDocument();
  });
});

describe('first run', () => {
  it('opens on the welcome page with two choices when there is no mailbox', async () => {
    installFakeMesh(baseAnswers({ listMailboxes: () => ok([]) }));
    render(<App />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Welcome to MESH Desktop' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Set up your mailbox' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try the training sandbox' })).toBeInTheDocument();
  });

  it('starts the training sandbox and marks everything as training', async () => {
    const training = [
      mailbox({ id: 'train-1', mailboxId: 'TRAIN01', displayName: 'Practice GP', environment: 'TRAINING', training: true, unread: 2 }),
    ];
    const fake = installFakeMesh(baseAnswers({ listMailboxes: () => ok([]), startTrainingSandbox: () => ok(training) }));
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Try the training sandbox' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Inbox' })).toBeInTheDocument();
    expect(fake.calls.map((c) => c.name)).toContain('startTrainingSandbox');
    expect(document.querySelector('.app-training-banner')).toHaveTextContent('TRAINING');
    const nav = screen.getByRole('navigation', { name: 'Mailboxes and folders' });
    expect(within(nav).getByRole('button', { name: /Practice GP/ })).toHaveTextContent('Training');
  });

  it('says why the sandbox could not start', async () => {
    installFakeMesh(
      baseAnswers({
        listMailboxes: () => ok([]),
        startTrainingSandbox: () => ({
          ok: false,
          error: { code: 'internal', message: 'The training sandbox could not start. Restart MESH Desktop.' },
        }),
      }),
    );
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Try the training sandbox' }));
    expect(await screen.findByText('The training sandbox could not start. Restart MESH Desktop.')).toBeInTheDocument();
  });

  it('checks the setup form, adds the mailbox, then shows each step of the connection test', async () => {
    const added = mailbox({ id: 'new-1', mailboxId: 'X26ABC9', displayName: 'Front desk' });
    const fake = installFakeMesh(
      baseAnswers({
        listMailboxes: () => ok([]),
        addMailbox: () => ok(added),
        testConnection: () =>
          ok({
            ok: false,
            summary: 'MESH did not accept the certificate. Check you chose the certificate for INT.',
            testedAt: '2026-03-10T10:00:00Z',
            steps: [
              { step: 'address', outcome: 'passed', message: 'Found msg.intspineservices.nhs.uk' },
              { step: 'client-certificate', outcome: 'failed', message: 'The certificate was refused.' },
              { step: 'password', outcome: 'not-reached', message: '' },
            ],
          }),
      }),
    );
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Set up your mailbox' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Set up your mailbox' })).toHaveFocus();

    await user.click(screen.getByRole('button', { name: 'Add mailbox and test the connection' }));
    const summary = screen.getByRole('alert');
    expect(summary).toHaveTextContent('Choose which MESH environment the mailbox is in');
    expect(summary).toHaveTextContent('Enter your mailbox ID');
    expect(summary).toHaveTextContent('Enter the mailbox password');
    expect(summary.parentElement).toHaveFocus();
    expect(fake.calls.some((c) => c.name === 'addMailbox')).toBe(false);

    await user.click(screen.getByRole('radio', { name: 'Integration (INT)' }));
    await user.type(screen.getByRole('textbox', { name: 'Mailbox ID' }), 'x26abc9');
    await user.type(screen.getByRole('textbox', { name: 'Name for this mailbox' }), 'Front desk');
    await user.type(screen.getByLabelText('Mailbox password'), 'pa55word');
    await user.type(screen.getByLabelText(/Environment shared secret/), 'BackBone');
    await user.type(screen.getByRole('textbox', { name: 'Certificate file location' }), '"C:\\certs\\front.crt"');
    await user.type(screen.getByRole('textbox', { name: 'Private key file location' }), 'C:\\certs\\front.key');
    await user.click(screen.getByRole('button', { name: 'Add mailbox and test the connection' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Checking the connection' })).toBeInTheDocument();
    expect(fake.calls.find((c) => c.name === 'addMailbox')?.args).toEqual([
      {
        environment: 'INT',
        mailboxId: 'X26ABC9',
        displayName: 'Front desk',
        password: 'pa55word',
        sharedKey: 'BackBone',
        certificate: { kind: 'pem', certificatePath: 'C:\\certs\\front.crt', keyPath: 'C:\\certs\\front.key' },
      },
    ]);
    expect(await screen.findByText('The connection did not work')).toBeInTheDocument();
    const steps = screen.getByRole('list', { name: 'Connection test steps' });
    const rows = within(steps).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual([
      'WorkedFinding the MESH serverFound msg.intspineservices.nhs.uk',
      'FailedShowing your certificateThe certificate was refused.',
      'Not triedSigning in to your mailbox',
    ]);
    expect(screen.getByRole('button', { name: 'Test again' })).toBeInTheDocument();
  });
});
