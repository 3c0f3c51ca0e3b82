// Folder mode switched on from the window: the app runs it (no separate
// service is running), a pair dropped in OUT is sent and filed in SENT, and
// the window's folderModeStatus shows what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { FolderModeView, MailboxSummary, Reply } from '../../../main/contract/types';
import { SHARED_KEY, startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

let mesh: MeshFixture;
let folder: string;
let services: AppServices;
const keychainService = `MESH Desktop test ${randomUUID()}`;

async function call<T>(name: string, ...args: unknown[]): Promise<T> {
  const reply = (await services.dispatch(name, args)) as Reply<T>;
  if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
  return reply.value;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  mesh = await startMeshFixture();
  folder = mkdtempSync(join(tmpdir(), 'folder-services-'));
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], extraCaFiles: [mesh.files.caCert] }));
  services = await createAppServices({
    shell: 'preview',
    dataFolder: folder,
    log: silentLogger,
    policyPath: join(folder, 'none.json'),
    keychainService,
  });
});

afterAll(async () => {
  await services.shutdown();
  const keytar = (await import('keytar')).default;
  for (const credential of await keytar.findCredentials(keychainService)) await keytar.deletePassword(keychainService, credential.account);
  await mesh.close();
  rmSync(folder, { recursive: true, force: true });
});

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
