import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FolderModeView } from '../../main/contract';
import { mailboxPatch } from '../../renderer/src/views/settings/MailboxEditor';
import { FolderModeActivity } from '../../renderer/src/views/inbox/FolderModeActivity';
import { installFakeMesh } from './fake-mesh';
import { mailbox, mailboxSettings } from './fixtures';

const view = (overrides: Partial<FolderModeView> = {}): FolderModeView => ({
  runner: 'service',
  healthy: true,
  reasons: [],
  notRunning: [],
  mailboxes: [
    {
      profileId: 'p1',
      mailboxId: 'X26ABC1',
      folder: 'D:\\MESH\\X26ABC1',
      lastPollAt: '2026-11-25T09:00:00.000Z',
      waitingInOut: 2,
      sending: 1,
      sentSinceStart: 5,
      failedSinceStart: 1,
      receivedSinceStart: 3,
      problems: ['lonely.dat has no control file; it waits for one.'],
      activity: [
        { at: '2026-11-25T09:01:00.000Z', kind: 'failed', name: 'bad.ctl', detail: 'The control file is not valid XML.' },
        { at: '2026-11-25T09:00:30.000Z', kind: 'sent', name: 'results.dat', detail: 'Sent to X26ABC2', messageId: 'M1' },
      ],
    },
  ],
  ...overrides,
});

describe('folder mode in the window', () => {
  it('shows who runs it, what is waiting, problems for a person, and recent activity', async () => {
    installFakeMesh({ folderModeStatus: () => ({ ok: true, value: view() }) });
    render(<FolderModeActivity mailbox={mailbox({ id: 'p1', mailboxId: 'X26ABC1', folderMode: { folder: 'D:\\MESH\\X26ABC1' } })} />);
    expect(await screen.findByText('Folder mode is running as a background service on this computer.')).toBeInTheDocument();
    expect(screen.getByText('Waiting in OUT').nextElementSibling).toHaveTextContent('2');
    expect(screen.getByText('5 sent, 3 received, 1 failed')).toBeInTheDocument();
    expect(screen.getByText('lonely.dat has no control file; it waits for one.')).toBeInTheDocument();
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('Moved to FAILED');
    expect(rows[1]).toHaveTextContent('The control file is not valid XML.');
    expect(rows[2]).toHaveTextContent('Sent');
  });

  it('says why a mailbox is not running', async () => {
    installFakeMesh({
      folderModeStatus: () => ({
        ok: true,
        value: view({ runner: 'none', mailboxes: [], notRunning: [{ mailboxId: 'X26ABC1', reason: 'No password is saved.' }] }),
      }),
    });
    render(<FolderModeActivity mailbox={mailbox({ id: 'p1', mailboxId: 'X26ABC1', folderMode: { folder: 'D:\\MESH\\X26ABC1' } })} />);
    expect(await screen.findByText('Folder mode is not running. No password is saved.')).toBeInTheDocument();
  });

  it('switches folder mode on from the mailbox editor with the folder given', () => {
    const saved = mailboxSettings();
    const form = {
      displayName: saved.displayName,
      downloadFolder: saved.downloadFolder,
      pollIntervalMinutes: String(saved.pollIntervalMinutes),
      acknowledge: saved.acknowledge,
      password: '',
      sharedKey: '',
      certificatePassphrase: '',
      replaceCertificate: false,
      certificate: { kind: 'pem' as const, certificatePath: '', keyPath: '', pfxPath: '', passphrase: '' },
      folderMode: true,
      folderModeFolder: 'D:\\MESH-DATA-HOME\\X26ABC1',
    };
    expect(mailboxPatch(form, saved)).toEqual({ folderMode: { enabled: true, folder: 'D:\\MESH-DATA-HOME\\X26ABC1' } });
    expect(mailboxPatch({ ...form, folderMode: false, folderModeFolder: '' }, saved)).toEqual({});
  });
});
