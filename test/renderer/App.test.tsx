import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { useAppStore } from '../../renderer/src/state/app-store';
import { installFakeMesh } from './fake-mesh';

const info = { productName: 'MESH Desktop', version: '1.2.3', shell: 'preview', platform: 'win32', dataFolder: 'C:\\Users\\amy\\AppData\\Roaming\\MESH Desktop', nodeVersion: '20' };

beforeEach(() => {
  useAppStore.setState({ status: 'loading', mailboxes: [], section: 'inbox', activeMailboxId: undefined, info: undefined });
});

describe('the app shell', () => {
  it('shows what main says about the installation', async () => {
    installFakeMesh({ getAppInfo: () => ({ ok: true, value: info }), listMailboxes: () => ({ ok: true, value: [] }) });
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(screen.getByTestId('about-version')).toHaveTextContent('MESH Desktop 1.2.3');
    expect(screen.getByTestId('about-data-folder')).toHaveTextContent(info.dataFolder);
    expect(screen.getByText('No mailbox is set up on this computer yet.')).toBeTruthy();
  });

  it('lists mailboxes and follows changes pushed from main', async () => {
    const fake = installFakeMesh({
      getAppInfo: () => ({ ok: true, value: info }),
      listMailboxes: () => ({ ok: true, value: [{ id: 'a', mailboxId: 'X26ABC1', displayName: 'Riverside Surgery', environment: 'INT', managed: false }] }),
    });
    render(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Mailboxes and folders' });
    expect(within(nav).getByRole('button', { name: /Riverside Surgery/ })).toHaveAttribute('aria-current', 'page');
    act(() => fake.emit('mailboxes-changed', [{ id: 'b', mailboxId: 'X26ABC2', displayName: 'Hilltop Care Home', environment: 'INT', managed: true }]));
    expect(within(nav).queryByText('Riverside Surgery')).toBeNull();
    expect(within(nav).getByRole('button', { name: /Hilltop Care Home/ })).toHaveAttribute('aria-current', 'page');
  });

  it('explains a failure to start in words, not a stack trace', async () => {
    installFakeMesh({
      getAppInfo: () => ({ ok: false, error: { code: 'settings-corrupt', message: 'Your settings file could not be read.' } }),
      listMailboxes: () => ({ ok: true, value: [] }),
    });
    render(<App />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Your settings file could not be read.');
  });
});
