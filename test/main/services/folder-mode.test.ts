// Folder mode switched on from the window: the app runs it (no separate
// service is running), a pair dropped in OUT is sent and filed in SENT, and
// the window's folderModeStatus shows what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import type { FolderModeView, MailboxSummary } from '../../../main/contract/types';
import { SHARED_KEY, type MeshFixture } from '../../support/mesh-fixture';
import { startServicesFixture, waitFor, type ServicesFixture } from '../../support/services-fixture';

let fixture: ServicesFixture;
let mesh: MeshFixture;
let folder: string;
const call = <T>(name: string, ...args: unknown[]) => fixture.call<T>(name, ...args);

beforeAll(async () => {
  fixture = await startServicesFixture({ prefix: 'folder-services-', log: silentLogger });
  ({ mesh, folder } = fixture);
});

afterAll(() => fixture?.close());

describe('folder mode from the window', () => {
  it('runs in the app once switched on, sends what is dropped in OUT and shows its activity', async () => {
    const added = await call<MailboxSummary>('addMailbox', {
      environment: 'CUSTOM',
      customUrl: mesh.sandbox.url,
      mailboxId: 'X26ABC1',
      displayName: 'Riverside Surgery',
      password: 'password',
      sharedKey: SHARED_KEY,
      certificate: { kind: 'pem', certificatePath: mesh.files.clientCert, keyPath: mesh.files.clientKey },
    });
    expect((await call<FolderModeView>('folderModeStatus')).runner).toBe('none');

    const root = join(folder, 'MESH-DATA-HOME', 'X26ABC1');
    const summary = await call<MailboxSummary>('updateMailbox', added.id, { folderMode: { enabled: true, folder: root } });
    expect(summary.folderMode).toEqual({ folder: root });
    const running = await waitFor(async () => {
      const view = await call<FolderModeView>('folderModeStatus');
      return view.runner === 'this-app' && view.mailboxes.length === 1 ? view : undefined;
    });
    expect(running.mailboxes[0]).toMatchObject({ mailboxId: 'X26ABC1', folder: root });

    mkdirSync(join(root, 'OUT'), { recursive: true });
    writeFileSync(join(root, 'OUT', 'audit.dat'), 'audit,rows\n');
    writeFileSync(
      join(root, 'OUT', 'audit.ctl'),
      '<DTSControl><Version>1.0</Version><AddressType>DTS</AddressType><MessageType>Data</MessageType><From_DTS>X26ABC1</From_DTS><To_DTS>X26ABC2</To_DTS><WorkflowId>TEST_WORKFLOW</WorkflowId><Subject>Audit</Subject><LocalId>A-1</LocalId><Compress>N</Compress><AllowChunking>Y</AllowChunking><Encrypted>N</Encrypted></DTSControl>',
    );
    const sent = await waitFor(async () => {
      const view = await call<FolderModeView>('folderModeStatus');
      return view.mailboxes[0]?.activity.find((a) => a.kind === 'sent');
    });
    expect(sent).toMatchObject({ name: expect.stringContaining('audit') });
    expect(existsSync(join(root, 'SENT', 'audit.ctl'))).toBe(true);
    expect(readdirSync(join(root, 'OUT'))).toEqual([]);
    expect(mesh.sandbox.message(sent.messageId!)).toMatchObject({ workflow_id: 'TEST_WORKFLOW' });

    await call('updateMailbox', added.id, { folderMode: { enabled: false, folder: root } });
    await waitFor(async () => ((await call<FolderModeView>('folderModeStatus')).runner === 'none' ? true : undefined));
  }, 120_000);
});
