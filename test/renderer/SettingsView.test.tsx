import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { validateMailboxEdit } from '../../renderer/src/views/settings/MailboxEditor';
import { proxyPatch, validateProxy } from '../../renderer/src/views/settings/NetworkSection';
import { validateCsr } from '../../renderer/src/views/settings/CsrSection';
import { installFakeMesh, type Answers } from './fake-mesh';
import { baseAnswers, mailbox, mailboxSettings, ok, resetStores, settingsSnapshot } from './fixtures';

beforeEach(resetStores);

async function openSettings(answers: Answers = {}) {
  const fake = installFakeMesh(baseAnswers(answers));
  const user = userEvent.setup();
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Settings' }));
  await screen.findByRole('heading', { level: 2, name: 'Network' });
  return { fake, user };
}

const mailboxCard = (name: RegExp) => screen.getByRole('listitem', { name });

describe('settings locked by IT', () => {
  const managedSnapshot = settingsSnapshot({
    mailboxes: [mailboxSettings({ managed: true })],
    proxy: { mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', hasPassword: false },
    managed: { proxy: true, defaultDownloadFolder: true, updates: true, pollInterval: true, environments: true, extraCaFiles: false },
    updatesEnabled: false,
    problems: ['The machine policy file has a setting MESH Desktop does not know: "maxThreads". It was ignored.'],
  });

  it('shows managed values as set by the IT department and does not let them be changed', async () => {
    const { user } = await openSettings({ getSettings: () => ok(managedSnapshot), listMailboxes: () => ok([mailbox({ managed: true })]) });
    for (const name of ['Proxy address', 'Default folder for downloaded files']) {
      const input = screen.getByRole('textbox', { name });
      expect(input).toBeDisabled();
      expect(input).toHaveAccessibleDescription(/Set by your IT department/);
    }
    expect(screen.getByRole('radio', { name: 'The same way as the web browser' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save network settings' })).toBeNull();
    expect(screen.getByText('(set by your IT department)')).toBeInTheDocument();

    const card = mailboxCard(/Riverside Surgery/);
    expect(within(card).getByText('Managed')).toBeInTheDocument();
    expect(within(card).queryByRole('button', { name: /Remove/ })).toBeNull();
    await user.click(within(card).getByRole('button', { name: 'See all settings Riverside Surgery' }));
    expect(within(card).getByRole('textbox', { name: 'Name for this mailbox' })).toBeDisabled();
    expect(within(card).getByRole('spinbutton', { name: /Check for new messages every/ })).toBeDisabled();
    expect(within(card).getByRole('radio', { name: 'Acknowledge it automatically' })).toBeDisabled();
    expect(within(card).queryByRole('button', { name: 'Save changes' })).toBeNull();
  });

  it('leaves the password of a managed mailbox to the person, and takes the password of the certificate IT set', async () => {
    const managed = mailboxSettings({
      managed: true,
      lockedFields: ['displayName', 'certificate'],
      certificateFromPolicy: {
        path: 'C:\\ProgramData\\MESH Desktop\\X26ABC1.pfx',
        needsPassphrase: true,
        problem: 'The certificate your IT team set for Riverside Surgery needs its password.',
      },
    });
    const { user, fake } = await openSettings({
      getSettings: () => ok(settingsSnapshot({ mailboxes: [managed] })),
      listMailboxes: () => ok([mailbox({ managed: true })]),
      updateMailbox: () => ok(mailbox({ managed: true })),
    });
    const card = mailboxCard(/Riverside Surgery/);
    expect(within(card).getByText(/Set by your IT department:/)).toHaveTextContent('X26ABC1.pfx');
    await user.click(within(card).getByRole('button', { name: 'Change Riverside Surgery' }));
    expect(within(card).getByRole('textbox', { name: 'Name for this mailbox' })).toBeDisabled();
    expect(within(card).getByRole('spinbutton', { name: /Check for new messages every/ })).toBeEnabled();
    expect(within(card).queryByRole('checkbox', { name: 'Replace the certificate' })).toBeNull();
    await user.type(within(card).getByLabelText('New mailbox password'), 'mailbox-pass');
    await user.type(within(card).getByLabelText('Certificate password'), 'pfx-pass');
    await user.click(within(card).getByRole('button', { name: 'Save changes' }));
    expect(fake.calls.find((c) => c.name === 'updateMailbox')?.args).toEqual([
      'riverside',
      { password: 'mailbox-pass', certificatePassphrase: 'pfx-pass' },
    ]);
  });

  it('shows problems IT must know about in a warning callout', async () => {
    await openSettings({ getSettings: () => ok(managedSnapshot) });
    const callout = screen.getByRole('heading', { name: /Your IT department may need to know/ }).closest('.nhsuk-card');
    expect(callout).toHaveTextContent('"maxThreads"');
  });

  it('locks only the check interval when only that is managed', async () => {
    const { user } = await openSettings({
      getSettings: () => ok(settingsSnapshot({ managed: { ...settingsSnapshot().managed, pollInterval: true } })),
    });
    await user.click(screen.getByRole('button', { name: 'Change Riverside Surgery' }));
    expect(screen.getByRole('spinbutton', { name: /Check for new messages every/ })).toBeDisabled();
    expect(screen.getByRole('textbox', { name: 'Name for this mailbox' })).toBeEnabled();
  });
});

describe('settings IT changes while Settings is open', () => {
  it('reads the settings again when main says they changed, and shows the new lock', async () => {
    let snapshot = settingsSnapshot();
    const { fake } = await openSettings({ getSettings: () => ok(snapshot) });
    expect(screen.getByRole('textbox', { name: 'Default folder for downloaded files' })).toBeEnabled();
    snapshot = settingsSnapshot({ managed: { ...settingsSnapshot().managed, defaultDownloadFolder: true } });
    act(() => fake.emit('settings-changed', null));
    expect(await screen.findByRole('textbox', { name: 'Default folder for downloaded files' })).toBeDisabled();
  });
});

describe('mailboxes in settings', () => {
  it('shows the certificate with its expiry and warning', async () => {
    const certificate = {
      subject: 'CN=X26ABC1.X26.api.mesh-client.nhs.uk',
      issuer: 'NHS INT Level 1D',
      notAfter: '2026-04-01T12:00:00Z',
      daysUntilExpiry: 12,
      state: 'expiring-soon' as const,
      warning: 'The certificate expires in 12 days.',
    };
    await openSettings({ getSettings: () => ok(settingsSnapshot({ mailboxes: [mailboxSettings({ certificate })] })) });
    const card = mailboxCard(/Riverside Surgery/);
    expect(card).toHaveTextContent('Expires soon');
    expect(card).toHaveTextContent('The certificate expires in 12 days.');
    expect(card).toHaveTextContent('CN=X26ABC1.X26.api.mesh-client.nhs.uk');
  });

  it('saves only what changed', async () => {
    const { user, fake } = await openSettings({ updateMailbox: () => ok(mailbox({ displayName: 'Front desk' })) });
    await user.click(screen.getByRole('button', { name: 'Change Riverside Surgery' }));
    const name = screen.getByRole('textbox', { name: 'Name for this mailbox' });
    await user.clear(name);
    await user.type(name, 'Front desk');
    const poll = screen.getByRole('spinbutton', { name: /Check for new messages every/ });
    await user.clear(poll);
    await user.type(poll, '3');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Check at most every 5 minutes');
    await user.clear(poll);
    await user.type(poll, '30');
    await user.click(screen.getByRole('radio', { name: 'Acknowledge it automatically' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(fake.calls.find((c) => c.name === 'updateMailbox')?.args).toEqual([
      'riverside',
      { displayName: 'Front desk', pollIntervalMinutes: 30, acknowledge: 'after-save' },
    ]);
    expect(await screen.findByText('Front desk saved.')).toBeInTheDocument();
  });

  it('replaces a certificate', async () => {
    const { user, fake } = await openSettings({ updateMailbox: () => ok(mailbox()) });
    await user.click(screen.getByRole('button', { name: 'Replace certificate for Riverside Surgery' }));
    await user.click(screen.getByRole('radio', { name: 'One file holding both' }));
    await user.type(screen.getByRole('textbox', { name: 'Certificate file location' }), 'C:\\certs\\new.pfx');
    await user.type(screen.getByLabelText('Certificate password (if it has one)'), 'pfxpass');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(fake.calls.find((c) => c.name === 'updateMailbox')?.args).toEqual([
      'riverside',
      { certificate: { kind: 'pfx', path: 'C:\\certs\\new.pfx', passphrase: 'pfxpass' } },
    ]);
  });

  it('removes a mailbox only after confirming', async () => {
    const { user, fake } = await openSettings({ removeMailbox: () => ok(null) });
    await user.click(screen.getByRole('button', { name: 'Remove Riverside Surgery' }));
    let confirm = screen.getByRole('alertdialog', { name: /Remove Riverside Surgery from this computer\?/ });
    expect(confirm).toHaveAttribute('aria-modal', 'true');
    expect(confirm).toHaveTextContent('The mailbox itself, and messages in it, stay in MESH.');
    // Escape is Cancel, and Tab stays inside the dialog.
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.calls.some((c) => c.name === 'removeMailbox')).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Remove Riverside Surgery' }));
    confirm = screen.getByRole('alertdialog', { name: /Remove Riverside Surgery from this computer\?/ });
    for (let presses = 0; presses < 5; presses++) {
      await user.tab();
      expect(confirm.contains(document.activeElement)).toBe(true);
    }
    await user.click(within(confirm).getByRole('button', { name: 'Yes, remove it' }));
    expect(fake.calls.find((c) => c.name === 'removeMailbox')?.args).toEqual(['riverside']);
    expect(await screen.findByText('No mailbox is set up on this computer yet.')).toBeInTheDocument();
  });

  it('tests the connection and shows each step', async () => {
    const { user } = await openSettings({
      testConnection: () =>
        ok({
          ok: true,
          summary: 'MESH Desktop can reach your mailbox.',
          testedAt: '2026-03-10T10:00:00Z',
          steps: [{ step: 'mailbox', outcome: 'passed', message: 'Mailbox X26ABC1 opened.' }],
        }),
    });
    await user.click(screen.getByRole('button', { name: 'Test connection for Riverside Surgery' }));
    expect(await screen.findByText('The connection works')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Connection test steps' })).toHaveTextContent(
      'WorkedOpening your mailboxMailbox X26ABC1 opened.',
    );
  });
});

describe('other settings', () => {
  it('saves a manual proxy, checking the address first', async () => {
    const { user, fake } = await openSettings({
      updateSettings: () => ok(settingsSnapshot({ proxy: { mode: 'manual', url: 'http://proxy:8080', hasPassword: true } })),
    });
    await user.click(screen.getByRole('radio', { name: 'Through a proxy I enter' }));
    await user.click(screen.getByRole('button', { name: 'Save network settings' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the proxy address');
    await user.type(screen.getByRole('textbox', { name: 'Proxy address' }), 'http://proxy:8080');
    await user.type(screen.getByRole('textbox', { name: 'Proxy user name (if it needs one)' }), 'amy');
    await user.type(screen.getByLabelText('Proxy password'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Save network settings' }));
    expect(fake.calls.find((c) => c.name === 'updateSettings')?.args).toEqual([
      { proxy: { mode: 'manual', url: 'http://proxy:8080', username: 'amy', password: 'pw' } },
    ]);
    expect(await screen.findByText('Network settings saved.')).toBeInTheDocument();
  });

  it('saves downloads, concurrency and notifications', async () => {
    const { user, fake } = await openSettings({
      updateSettings: () => ok(settingsSnapshot({ maxConcurrentTransfers: 4, notifications: false })),
    });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Files to send or receive at the same time' }), '4');
    await user.click(screen.getByRole('checkbox', { name: /Tell me when files arrive/ }));
    await user.click(screen.getByRole('button', { name: 'Save these settings' }));
    expect(fake.calls.find((c) => c.name === 'updateSettings')?.args).toEqual([{ maxConcurrentTransfers: 4, notifications: false }]);
  });

  it('creates a certificate request and shows the instructions', async () => {
    const { user, fake } = await openSettings({
      generateCsr: () =>
        ok({
          keyPath: 'C:\\MESH\\x.key',
          csrPath: 'C:\\MESH\\x.csr',
          instructionsPath: 'C:\\MESH\\x.txt',
          instructions: 'Email x.csr to itoc.supportdesk@nhs.net.\nKeep x.key safe.',
        }),
    });
    await user.click(screen.getByRole('button', { name: 'Create the request' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter the common name');
    await user.type(screen.getByRole('textbox', { name: 'Common name' }), 'X26ABC1.X26.api.mesh-client.nhs.uk');
    await user.click(screen.getByRole('button', { name: 'Create the request' }));
    expect(fake.calls.find((c) => c.name === 'generateCsr')?.args).toEqual([{ commonName: 'X26ABC1.X26.api.mesh-client.nhs.uk' }]);
    expect(await screen.findByRole('heading', { name: 'Your certificate request is ready' })).toBeInTheDocument();
    expect(screen.getByText(/Email x.csr to itoc.supportdesk@nhs.net/)).toBeInTheDocument();
    expect(screen.getByLabelText('Files created')).toHaveTextContent('C:\\MESH\\x.csr');
  });

  it('copies diagnostics to the clipboard', async () => {
    const { user } = await openSettings({ copyDiagnostics: () => ok('MESH Desktop 1.2.3\nwin32') });
    await user.click(screen.getByRole('button', { name: 'Copy diagnostics' }));
    expect(await screen.findByText('Diagnostics copied. Paste them into your email or call log.')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe('MESH Desktop 1.2.3\nwin32');
  });

  it('still shows mailboxes and About when settings cannot be loaded', async () => {
    installFakeMesh(
      baseAnswers({
        getSettings: () => ({ ok: false, error: { code: 'settings-corrupt', message: 'Your settings file could not be read.' } }),
      }),
    );
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(await screen.findByText('Your settings file could not be read.')).toBeInTheDocument();
    expect(mailboxCard(/Riverside Surgery/)).toBeInTheDocument();
    expect(screen.getByTestId('about-version')).toHaveTextContent('MESH Desktop 1.2.3');
  });
});

describe('settings checks', () => {
  const form = {
    displayName: 'A',
    downloadFolder: 'C:\\x',
    pollIntervalMinutes: '10',
    acknowledge: 'manual' as const,
    password: '',
    sharedKey: '',
    certificatePassphrase: '',
    replaceCertificate: false,
    certificate: { kind: 'pem' as const, certificatePath: '', keyPath: '', pfxPath: '', passphrase: '' },
    folderMode: false,
    folderModeFolder: '',
  };
  it.each([
    [{}, []],
    [{ displayName: ' ' }, ['Enter a name for this mailbox']],
    [{ downloadFolder: '' }, ['Enter the folder to save downloads in']],
    [{ pollIntervalMinutes: '7.5' }, ['Enter the number of minutes between checks, as a whole number']],
    [{ pollIntervalMinutes: '4' }, ['Check at most every 5 minutes: MESH asks clients not to check more often']],
    [{ pollIntervalMinutes: '2000' }, ['Check at least once a day (1440 minutes)']],
    [
      { replaceCertificate: true },
      ['Enter where the certificate file is saved on this computer', 'Enter where the private key file is saved on this computer'],
    ],
    [{ folderMode: true }, ['Enter the mailbox folder that holds IN, OUT, SENT and FAILED']],
    [{ folderMode: true, folderModeFolder: 'D:\\MESH-DATA-HOME\\X26ABC1' }, []],
  ])('mailbox edit %j', (patch, messages) => {
    expect(validateMailboxEdit({ ...form, ...patch }, 'e', 5).map((e) => e.message)).toEqual(messages);
  });

  it('respects a higher minimum check interval from policy', () => {
    expect(validateMailboxEdit({ ...form, pollIntervalMinutes: '10' }, 'e', 15).map((e) => e.message)).toEqual([
      'Check at most every 15 minutes: MESH asks clients not to check more often',
    ]);
  });

  it.each([
    ['system', '', []],
    ['manual', '', ['proxy-url']],
    ['manual', 'proxy:8080', ['proxy-url']],
    ['manual', 'http://proxy.nhs.uk:8080', []],
    ['manual', 'https://proxy.nhs.uk', []],
  ] as const)('proxy %s %j', (mode, url, fields) => {
    expect(validateProxy({ mode, url, username: '', password: '', noProxy: '' }).map((e) => e.field)).toEqual(fields);
  });

  it('sends only the proxy mode unless manual', () => {
    expect(proxyPatch({ mode: 'none', url: 'http://x:1', username: 'a', password: 'b', noProxy: 'c' })).toEqual({ mode: 'none' });
    expect(proxyPatch({ mode: 'manual', url: ' http://x:1 ', username: '', password: '', noProxy: ' .nhs.uk ' })).toEqual({
      mode: 'manual',
      url: 'http://x:1',
      noProxy: '.nhs.uk',
    });
  });

  it.each([
    ['', ['csr-common-name']],
    ['has space', ['csr-common-name']],
    ['x'.repeat(65), ['csr-common-name']],
    ['X26ABC1.X26.api.mesh-client.nhs.uk', []],
  ])('certificate request common name %j', (cn, fields) => {
    expect(validateCsr(cn, '').map((e) => e.field)).toEqual(fields);
  });
});

describe('extra certificate authorities', () => {
  it('saves one path a line, without quotes or blank lines', async () => {
    const { user, fake } = await openSettings({ updateSettings: () => ok(settingsSnapshot({ extraCaFiles: ['C:\\ca\\proxy.pem'] })) });
    await user.type(
      screen.getByRole('textbox', { name: /Extra certificate authorities/ }),
      '"C:\\ca\\proxy.pem"{Enter}{Enter}D:\\root.cer',
    );
    await user.click(screen.getByRole('button', { name: 'Save certificate authorities' }));
    expect(fake.calls.find((c) => c.name === 'updateSettings')?.args).toEqual([{ extraCaFiles: ['C:\\ca\\proxy.pem', 'D:\\root.cer'] }]);
    expect(await screen.findByText('Certificate authorities saved.')).toBeInTheDocument();
  });

  it('shows them locked when IT manages them', async () => {
    await openSettings({
      getSettings: () =>
        ok(settingsSnapshot({ extraCaFiles: ['C:\\ca\\trust.pem'], managed: { ...settingsSnapshot().managed, extraCaFiles: true } })),
    });
    const box = screen.getByRole('textbox', { name: /Extra certificate authorities/ });
    expect(box).toBeDisabled();
    expect(box).toHaveValue('C:\\ca\\trust.pem');
    expect(box).toHaveAccessibleDescription(/Set by your IT department/);
    expect(screen.queryByRole('button', { name: 'Save certificate authorities' })).toBeNull();
  });
});
