// Folder mode records what it does in the audit trail as folder mode: a pair sent from OUT, a pair MESH refused,
// and a message received, filed into IN and acknowledged, each once, run by the app against the emulator.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, auditFolder } from '../../../main/audit/trail';
import type { FolderModeView, MailboxSummary } from '../../../main/contract/types';
import { SHARED_KEY, type MeshFixture } from '../../support/mesh-fixture';
import { startServicesFixture, waitFor, type ServicesFixture } from '../../support/services-fixture';

let fixture: ServicesFixture;
let mesh: MeshFixture;
let folder: string;
const call = <T>(name: string, ...args: unknown[]) => fixture.call<T>(name, ...args);

const control = (to: string, localId: string) =>
  `<DTSControl><Version>1.0</Version><AddressType>DTS</AddressType><MessageType>Data</MessageType><From_DTS>X26ABC1</From_DTS><To_DTS>${to}</To_DTS><WorkflowId>TEST_WORKFLOW</WorkflowId><Subject>Audit</Subject><LocalId>${localId}</LocalId><Compress>N</Compress><AllowChunking>Y</AllowChunking><Encrypted>N</Encrypted></DTSControl>`;

beforeAll(async () => {
  fixture = await startServicesFixture({ prefix: 'audit-folders-' });
  ({ mesh, folder } = fixture);
});

afterAll(() => fixture?.close());

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
