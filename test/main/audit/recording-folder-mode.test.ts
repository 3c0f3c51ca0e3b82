// Folder mode records what it does in the audit trail as folder mode: a pair sent from OUT, a pair MESH refused,
// and a message received, filed into IN and acknowledged, each once, run by the app against the emulator.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, auditFolder } from '../../../main/audit/trail';
import type { FolderModeView, MailboxSummary, Reply } from '../../../main/contract/types';
import { createLogger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
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

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const control = (to: string, localId: string) =>
  `<DTSControl><Version>1.0</Version><AddressType>DTS</AddressType><MessageType>Data</MessageType><From_DTS>X26ABC1</From_DTS><To_DTS>${to}</To_DTS><WorkflowId>TEST_WORKFLOW</WorkflowId><Subject>Audit</Subject><LocalId>${localId}</LocalId><Compress>N</Compress><AllowChunking>Y</AllowChunking><Encrypted>N</Encrypted></DTSControl>`;

beforeAll(async () => {
  mesh = await startMeshFixture();
  folder = mkdtempSync(join(tmpdir(), 'audit-folders-'));
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], extraCaFiles: [mesh.files.caCert] }));
  services = await createAppServices({
    shell: 'preview',
    dataFolder: folder,
    log: createLogger({ folder: join(folder, 'logs') }),
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

describe('the audit trail of folder mode', () => {
  it('records a pair sent, a pair refused, and a message received, filed and acknowledged, each once, as folder mode', async () => {
    const add = (mailboxId: string) =>
      call<MailboxSummary>('addMailbox', {
        environment: 'CUSTOM',
        customUrl: mesh.sandbox.url,
        mailboxId,
        displayName: mailboxId,
        password: 'password',
        sharedKey: SHARED_KEY,
        certificate: { kind: 'pem', certificatePath: mesh.files.clientCert, keyPath: mesh.files.clientKey },
      });
    const sender = await add('X26ABC1');
    const recipient = await add('X26ABC2');
    const outRoot = join(folder, 'MESH-DATA-HOME', 'X26ABC1');
    const inRoot = join(folder, 'MESH-DATA-HOME', 'X26ABC2');
    await call('updateMailbox', sender.id, { folderMode: { enabled: true, folder: outRoot } });
    await waitFor(async () => ((await call<FolderModeView>('folderModeStatus')).runner === 'this-app' ? true : undefined));

    const data = Buffer.from('audit,rows\n1,2\n');
    mkdirSync(join(outRoot, 'OUT'), { recursive: true });
    writeFileSync(join(outRoot, 'OUT', 'good.dat'), data);
    writeFileSync(join(outRoot, 'OUT', 'good.ctl'), control('X26ABC2', 'A-1'));
    writeFileSync(join(outRoot, 'OUT', 'bad.dat'), 'for no one\n');
    writeFileSync(join(outRoot, 'OUT', 'bad.ctl'), control('X99ZZZ9', 'A-2'));
    await waitFor(() => existsSync(join(outRoot, 'SENT', 'good.ctl')) && existsSync(join(outRoot, 'FAILED', 'bad.ctl')));
    const messageId = /<DTSId>([^<]+)<\/DTSId>/.exec(readFileSync(join(outRoot, 'SENT', 'good.ctl'), 'utf8'))![1]!;

    // The recipient's folder mode starts now; its first check finds the message.
    await call('updateMailbox', recipient.id, { folderMode: { enabled: true, folder: inRoot } });
    const filed = join(inRoot, 'IN', `${messageId}.dat`);
    await waitFor(() => existsSync(filed) && mesh.sandbox.message(messageId)?.events[0]?.status === 'acknowledged');
    expect(readFileSync(filed).equals(data)).toBe(true);
    await call('updateMailbox', sender.id, { folderMode: { enabled: false, folder: outRoot } });
    await call('updateMailbox', recipient.id, { folderMode: { enabled: false, folder: inRoot } });
    await waitFor(async () => ((await call<FolderModeView>('folderModeStatus')).runner === 'none' ? true : undefined));

    const { entries, report } = await new AuditTrail({ folder: auditFolder(folder) }).read();
    expect(report.ok).toBe(true);
    const byFolderMode = entries.map(({ entry }) => entry).filter((entry) => entry.actor.via === 'folder-mode');
    const actions = byFolderMode.filter((e) => e.action !== 'policy-applied');
    // The two pairs are sent side by side: either may finish first.
    expect(
      actions
        .slice(0, 2)
        .map((e) => `${e.action} ${e.mailbox?.id}`)
        .sort(),
    ).toEqual(['message-sent X26ABC1', 'send-failed X26ABC1']);
    expect(actions.slice(2).map((e) => `${e.action} ${e.mailbox?.id}`)).toEqual([
      'message-received X26ABC2',
      'message-filed X26ABC2',
      'message-acknowledged X26ABC2',
    ]);
    // Each time folder mode starts it records the policy it runs under (none here).
    expect(byFolderMode.filter((e) => e.action === 'policy-applied').every((e) => /No machine policy/.test(e.reason ?? ''))).toBe(true);
    const sent = actions.find((e) => e.action === 'message-sent');
    const failed = actions.find((e) => e.action === 'send-failed');
    const [received, filedEntry, acknowledged] = actions.slice(2);
    expect(sent).toMatchObject({
      outcome: 'ok',
      message: {
        messageId,
        to: 'X26ABC2',
        localId: 'A-1',
        fileName: 'good.dat',
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
      },
    });
    expect(failed).toMatchObject({ outcome: 'failed', message: { to: 'X99ZZZ9', localId: 'A-2' } });
    expect(received).toMatchObject({ outcome: 'ok', message: { messageId, from: 'X26ABC1', size: data.length } });
    expect(filedEntry).toMatchObject({ message: { messageId, savedTo: filed } });
    expect(acknowledged).toMatchObject({ message: { messageId, localId: 'A-1' } });
    // The window added the mailboxes; folder mode did the rest.
    expect(entries.filter(({ entry }) => entry.actor.via === 'window').map(({ entry }) => entry.action)).toEqual([
      'policy-applied',
      'mailbox-added',
      'certificate-imported',
      'mailbox-added',
      'certificate-imported',
    ]);
    expect(readdirSync(join(inRoot, 'IN')).sort()).toEqual([`${messageId}.ctl`, `${messageId}.dat`]);
  }, 120_000);
});
