// The services behind the window, end to end under plain Node: two real
// mailboxes set up through the contract (password, shared secret and a PFX
// with its passphrase going to the real keychain), a file sent from one and
// received, verified, saved and acknowledged by the other, over mutual TLS.
// Afterwards no secret may be found in any file the app wrote, logs included.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail, auditFolder } from '../../../main/audit/trail';
import { createLogger, type Logger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { Reply, TransferView } from '../../../main/contract/types';
import { startMeshFixture, TEST_MAILBOXES, type MeshFixture } from '../../support/mesh-fixture';

const SHARED_KEY = `shared-${randomUUID()}`;
const PASSWORDS = { X26ABC1: `pw1-${randomUUID()}`, X26ABC2: `pw2-${randomUUID()}`, X27ABC3: `pw3-${randomUUID()}` };

let mesh: MeshFixture;
let services: AppServices;
let log: Logger;
let dataFolder: string;
const notifications: { kind: string; title: string; body: string }[] = [];
// What the window asked the system to open (Electron's shell.openPath, stood in).
const opened: string[] = [];
let sender: string;
let recipient: string;
const keychainService = `MESH Desktop test ${randomUUID()}`;

async function call<T>(name: string, ...args: unknown[]): Promise<T> {
  // These tests play the preload bridge, which alone may register a picked file.
  const reply = (await services.dispatch(name, args, 'bridge')) as Reply<T>;
  if (!reply.ok) throw new Error(`${name}: ${reply.error.code}: ${reply.error.message}`);
  return reply.value;
}

function waitForTransfer(id: string, states: TransferView['state'][] = ['done']): Promise<TransferView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`transfer ${id} did not finish`)), 60_000);
    const off = services.events.subscribe((name, payload) => {
      if (name !== 'transfer-progress') return;
      const view = payload as TransferView;
      if (view.id !== id) return;
      if (states.includes(view.state)) {
        clearTimeout(timer);
        off();
        resolve(view);
      } else if (view.state === 'failed') {
        clearTimeout(timer);
        off();
        reject(new Error(`transfer failed: ${view.error?.message}`));
      }
    });
  });
}

beforeAll(async () => {
  mesh = await startMeshFixture({
    sharedKey: SHARED_KEY,
    mailboxes: TEST_MAILBOXES.map((m) => ({ ...m, password: PASSWORDS[m.mailbox_id as keyof typeof PASSWORDS] ?? m.password })),
  });
  dataFolder = mkdtempSync(join(tmpdir(), 'services-test-'));
  log = createLogger({ folder: join(dataFolder, 'logs'), level: 'debug' });
  services = await createAppServices({
    shell: 'preview',
    dataFolder,
    log,
    policyPath: join(dataFolder, 'no-policy.json'),
    keychainService,
    platform: {
      capabilities: { chooseFolder: false, showInFolder: false, openFile: true, notifications: true },
      openFile: async (path) => {
        opened.push(path);
        return undefined;
      },
    },
  });
  services.events.subscribe((name, payload) => {
    if (name === 'notification') notifications.push(payload as (typeof notifications)[number]);
  });
  await call('updateSettings', { extraCaFiles: [mesh.files.caCert] });
});

afterAll(async () => {
  await services?.shutdown();
  await log?.close();
  const keytar = (await import('keytar')).default;
  for (const credential of await keytar.findCredentials(keychainService)) await keytar.deletePassword(keychainService, credential.account);
  await mesh?.close();
  rmSync(dataFolder, { recursive: true, force: true });
});

describe('the app services over the contract', () => {
  it('adds a mailbox with a PFX certificate and passes the connection test step by step', async () => {
    const added = await call<{ id: string; mailboxId: string; certificate?: { subject: string } }>('addMailbox', {
      environment: 'CUSTOM',
      customUrl: mesh.sandbox.url,
      mailboxId: 'x26abc1',
      displayName: 'Riverside Surgery',
      password: PASSWORDS.X26ABC1,
      sharedKey: SHARED_KEY,
      certificate: { kind: 'pfx', path: mesh.files.clientPfx, passphrase: mesh.pki.pfxPassphrase },
      downloadFolder: join(dataFolder, 'received-1'),
    });
    sender = added.id;
    expect(added.mailboxId).toBe('X26ABC1');
    expect(added.certificate?.subject).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    const result = await call<{ ok: boolean; steps: { outcome: string }[] }>('testConnection', sender);
    expect(result.ok).toBe(true);
    expect(result.steps.every((s) => s.outcome === 'passed')).toBe(true);
  });

  it('says which step failed when the password is wrong, and works once it is corrected', async () => {
    const added = await call<{ id: string }>('addMailbox', {
      environment: 'CUSTOM',
      customUrl: mesh.sandbox.url,
      mailboxId: 'X27ABC3',
      displayName: 'Hilltop Care Home',
      password: 'not-the-password',
      certificate: { kind: 'pem', certificatePath: mesh.files.clientCert, keyPath: mesh.files.clientKey },
      downloadFolder: join(dataFolder, 'received-3'),
    });
    const result = await call<{ ok: boolean; steps: { step: string; outcome: string }[] }>('testConnection', added.id);
    expect(result.ok).toBe(false);
    expect(result.steps.find((s) => s.outcome === 'failed')?.step).toBe('password');
    expect(result.steps.filter((s) => s.outcome === 'passed').map((s) => s.step)).toEqual([
      'address',
      'tls',
      'server-certificate',
      'client-certificate',
    ]);
    await call('updateMailbox', added.id, { password: PASSWORDS.X27ABC3 });
    expect((await call<{ ok: boolean }>('testConnection', added.id)).ok).toBe(true);
  });

  it('sends a file, and the recipient downloads, verifies, saves and acknowledges it', async () => {
    const file = join(dataFolder, 'referral.csv');
    const content = randomBytes(3 * 1024 * 1024);
    writeFileSync(file, content);
    const choice = await call<{ fileRef: string; size: number }>('registerFilePath', file);
    expect(choice.size).toBe(content.length);
    const [sent] = await call<{ transferId: string; status: string }[]>('sendMessage', {
      profileId: sender,
      recipients: ['x26abc2'],
      workflowId: 'TEST_WORKFLOW',
      subject: 'Referral',
      localId: 'REF-1',
      fileRef: choice.fileRef,
    });
    await waitForTransfer(sent!.transferId);
    const history = await call<{ status: string; messageId?: string; to: { mailboxId: string } }[]>('listSent', sender);
    expect(history[0]).toMatchObject({ status: 'accepted', to: { mailboxId: 'X26ABC2' } });

    // The recipient's mailbox is set up now: its first check finds the message waiting.
    const firstCheck = new Promise<void>((resolve) => {
      const off = services.events.subscribe((name, payload) => {
        if (name === 'inbox-changed' && (payload as { profileId: string }).profileId === recipient) {
          off();
          resolve();
        }
      });
    });
    recipient = (
      await call<{ id: string }>('addMailbox', {
        environment: 'CUSTOM',
        customUrl: mesh.sandbox.url,
        mailboxId: 'X26ABC2',
        displayName: 'County Hospital Pathology',
        password: PASSWORDS.X26ABC2,
        certificate: { kind: 'pem', certificatePath: mesh.files.clientCert, keyPath: mesh.files.clientKey },
        downloadFolder: join(dataFolder, 'received-2'),
      })
    ).id;
    await firstCheck;
    // MESH allows a check at most every five minutes: "check now" says when the next one may be.
    const checked = await call<{ checkedAt?: string; nextAllowedAt: string }>('checkNow', recipient);
    expect(checked.checkedAt).toBeUndefined();
    expect(new Date(checked.nextAllowedAt).getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    const inbox = await call<{ messageId: string; subject?: string; from: { mailboxId: string } }[]>('listInbox', recipient);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ subject: 'Referral', from: { mailboxId: 'X26ABC1' } });

    const [transferId] = await call<string[]>('downloadMessages', recipient, [inbox[0]!.messageId]);
    const done = await waitForTransfer(transferId!);
    expect(readFileSync(done.savedPath!).equals(content)).toBe(true);
    expect(JSON.parse(readFileSync(`${done.savedPath}.mesh.json`, 'utf8'))).toMatchObject({ subject: 'Referral', localId: 'REF-1' });
    expect(mesh.sandbox.message(inbox[0]!.messageId)?.events[0]?.status).toBe('acknowledged');
    expect(await call<unknown[]>('listInbox', recipient)).toEqual([]);

    // Open: the file just saved opens; a path the app did not save is refused with a sentence.
    await call('openFile', done.savedPath);
    expect(opened).toEqual([done.savedPath]);
    await expect(call('openFile', join(dataFolder, 'settings.json'))).rejects.toThrow(
      'MESH Desktop only opens files it has saved for you. Use Show in folder instead.',
    );
    expect(opened).toHaveLength(1);

    const refreshed = await call<{ status: string }[]>('refreshSent', sender, history[0]!.messageId);
    expect(refreshed[0]?.status).toBe('acknowledged');

    // The person was told: sent, new message arrived, file saved.
    expect(notifications).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'transfer-done', title: 'Message sent', body: 'referral.csv' }),
        expect.objectContaining({ kind: 'new-messages', body: '1 new message in County Hospital Pathology' }),
        expect.objectContaining({ kind: 'transfer-done', title: 'File saved' }),
      ]),
    );
  });

  it('records every action in the audit trail once, as the window: mailboxes, certificates, the send, the receipt, its acknowledgement and a refused send', async () => {
    const file = join(dataFolder, 'nobody.csv');
    writeFileSync(file, 'for no one\n');
    const choice = await call<{ fileRef: string }>('registerFilePath', file);
    const [refused] = await call<{ transferId: string }[]>('sendMessage', {
      profileId: sender,
      recipients: ['X99ZZZ9'],
      workflowId: 'TEST_WORKFLOW',
      fileRef: choice.fileRef,
    });
    await waitForTransfer(refused!.transferId, ['failed']);
    // The entry is written just after the transfer says it failed (shutting down waits for it; this test does not).
    const trail = new AuditTrail({ folder: auditFolder(dataFolder) });
    for (let tries = 0; (await trail.read()).entries.at(-1)?.entry.action !== 'send-failed' && tries < 100; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));

    const { entries, report } = await trail.read();
    expect(report.ok).toBe(true);
    const seen = entries.map(({ entry }) => `${entry.action} ${entry.mailbox?.id ?? '-'}`);
    expect(seen).toEqual([
      'policy-applied -',
      'mailbox-added X26ABC1',
      'certificate-imported X26ABC1',
      'mailbox-added X27ABC3',
      'certificate-imported X27ABC3',
      'message-sent X26ABC1',
      'mailbox-added X26ABC2',
      'certificate-imported X26ABC2',
      'message-received X26ABC2',
      'message-acknowledged X26ABC2',
      'send-failed X26ABC1',
    ]);
    for (const { entry } of entries) expect(entry.actor.via).toBe('window');
    const byAction = (action: string) => entries.find(({ entry }) => entry.action === action)!.entry;
    const content = readFileSync(join(dataFolder, 'referral.csv'));
    const digest = createHash('sha256').update(content).digest('hex');
    const sent = byAction('message-sent');
    expect(sent).toMatchObject({
      outcome: 'ok',
      mailbox: { id: 'X26ABC1', environment: `CUSTOM ${mesh.sandbox.url}` },
      message: {
        to: 'X26ABC2',
        workflowId: 'TEST_WORKFLOW',
        subject: 'Referral',
        localId: 'REF-1',
        fileName: 'referral.csv',
        size: content.length,
        sha256: digest,
      },
    });
    expect(byAction('message-received')).toMatchObject({
      message: {
        messageId: sent.message!.messageId,
        from: 'X26ABC1',
        size: content.length,
        sha256: digest,
        savedTo: join(dataFolder, 'received-2', 'referral.csv'),
      },
    });
    expect(byAction('message-acknowledged').message?.messageId).toBe(sent.message!.messageId);
    expect(byAction('send-failed')).toMatchObject({ outcome: 'failed', message: { to: 'X99ZZZ9', fileName: 'nobody.csv' } });
    expect(byAction('certificate-imported').certificate).toMatchObject({ subject: 'SERVER001.X26.api.mesh-client.nhs.uk' });
  });

  it('lists that activity for the Activity view a page at a time, counts it, says it is unaltered, and a filter narrows it', async () => {
    type Listed = {
      entries: {
        sequence: number;
        action: string;
        direction: string;
        mailbox?: { id: string };
        counterpart?: string;
        fileName?: string;
        who: { via: string };
      }[];
      offset: number;
      matched: number;
      total: number;
      summary: { entries: number; byDirection: { label: string; count: number }[] };
      verified: { ok: boolean; sentence: string };
    };
    const all = await call<Listed>('listActivity');
    expect(all.verified.ok).toBe(true);
    expect(all.verified.sentence).toMatch(/complete and unaltered/);
    expect(all.matched).toBe(all.total);
    expect(all.entries).toHaveLength(all.total);
    expect(all.summary.entries).toBe(all.total);
    expect(all.entries[0]).toMatchObject({ action: 'Message not sent', counterpart: 'X99ZZZ9', who: { via: 'window' } });
    const sent = all.entries.find((e) => e.action === 'Message sent');
    expect(sent).toMatchObject({ direction: 'sent', mailbox: { id: 'X26ABC1' }, counterpart: 'X26ABC2', fileName: 'referral.csv' });

    // Pages: from the newest, and from the oldest.
    const sequences = all.entries.map((e) => e.sequence);
    const second = await call<Listed>('listActivity', {}, { offset: 1, limit: 2 });
    expect(second).toMatchObject({ offset: 1, matched: all.total });
    expect(second.entries.map((e) => e.sequence)).toEqual(sequences.slice(1, 3));
    const oldest = await call<Listed>('listActivity', {}, { offset: 0, limit: 2, oldestFirst: true });
    expect(oldest.entries.map((e) => e.sequence)).toEqual([...sequences].reverse().slice(0, 2));

    const received = await call<Listed>('listActivity', { direction: 'received', mailboxId: 'x26abc2' });
    expect(received.entries.map((e) => e.action)).toEqual(['Message acknowledged', 'Message received']);
    expect(received).toMatchObject({
      matched: 2,
      total: all.total,
      summary: { entries: 2, byDirection: [{ label: 'Received', count: 2 }] },
    });
    expect(received.entries[1]).toMatchObject({ counterpart: 'X26ABC1', fileName: 'referral.csv' });
    expect((await call<Listed>('listActivity', { text: 'nobody' })).entries.map((e) => e.action)).toEqual(['Message not sent']);

    // Another process (the command line, folder mode) writes to the same record: the next page shows it.
    await new AuditTrail({ folder: auditFolder(dataFolder) }).append(
      { action: 'mailbox-added', outcome: 'ok', mailbox: { id: 'X26NEW1', environment: 'integration' } },
      { account: 'it-admin', host: 'PC-01', via: 'command-line', pid: 4242 },
    );
    const after = await call<Listed>('listActivity', {}, { offset: 0, limit: 1 });
    expect(after).toMatchObject({ matched: all.total + 1, total: all.total + 1 });
    expect(after.entries[0]).toMatchObject({ action: 'Mailbox added', mailbox: { id: 'X26NEW1' }, who: { via: 'command line' } });

    // Pages the window asks for together, after the record changed, share one read of it.
    await new AuditTrail({ folder: auditFolder(dataFolder) }).append(
      { action: 'mailbox-removed', outcome: 'ok', mailbox: { id: 'X26NEW1', environment: 'integration' } },
      { account: 'it-admin', host: 'PC-01', via: 'command-line', pid: 4242 },
    );
    const reads = vi.spyOn(AuditTrail.prototype, 'read');
    try {
      const together = await Promise.all([0, 1, 2].map((offset) => call<Listed>('listActivity', {}, { offset, limit: 1 })));
      expect(reads).toHaveBeenCalledTimes(1);
      expect(together.map((page) => page.total)).toEqual([all.total + 2, all.total + 2, all.total + 2]);
      expect(together.map((page) => page.entries[0]?.sequence)).toEqual([all.total + 2, all.total + 1, sequences[0]]);
    } finally {
      reads.mockRestore();
    }

    // The preview has no save dialog: the export comes back as text for the window to offer as a download.
    const exported = await call<{ kind: string; fileName: string; text: string; entries: number }>(
      'exportActivity',
      { direction: 'received' },
      'csv',
    );
    expect(exported).toMatchObject({ kind: 'text', entries: 2 });
    expect(exported.fileName).toMatch(/^mesh-activity-.*\.csv$/);
    expect(exported.text.split('\r\n').filter(Boolean)).toHaveLength(3);
    for (const [filter, page] of [
      [{ from: '2026-03-31', to: '2026-03-01' }, undefined],
      [{}, { offset: -1, limit: 10 }],
      [{}, { offset: 0, limit: 5000 }],
      [{}, { offset: 0, limit: 10, extra: true }],
    ] as const) {
      expect(await services.dispatch('listActivity', [filter, page])).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
  });

  it('rejects bad arguments in main with a sentence, before any service runs', async () => {
    const reply = (await services.dispatch('sendMessage', [
      { profileId: sender, recipients: [], workflowId: 'W', fileRef: 'x' },
    ])) as Reply<unknown>;
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!reply.ok) expect(reply.error.message).toMatch(/Add at least one recipient/);
  });

  it('copies diagnostics with versions, settings, connection tests and log lines, and no secret', async () => {
    const text = await call<string>('copyDiagnostics');
    expect(text).toMatch(/MESH Desktop \d+\.\d+\.\d+/);
    expect(text).toMatch(/Last connection tests:\n {2}X26ABC1 at .*: passed/);
    expect(text).toMatch(/X27ABC3 at .*: passed/);
    expect(text).toMatch(/Recent log lines:/);
    for (const secret of [PASSWORDS.X26ABC1, PASSWORDS.X26ABC2, PASSWORDS.X27ABC3, SHARED_KEY, mesh.pki.pfxPassphrase])
      expect(text).not.toContain(secret);
  });

  it('never writes a password, passphrase, shared secret or Authorization header to any file, logs included', async () => {
    await log.close();
    const secrets = [PASSWORDS.X26ABC1, PASSWORDS.X26ABC2, SHARED_KEY, mesh.pki.pfxPassphrase];
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(dataFolder);
    expect(files.some((f) => f.includes(`${join('logs', 'mesh-desktop.log')}`))).toBe(true);
    // The audit trail is scanned with everything else.
    expect(files.filter((f) => f.startsWith(auditFolder(dataFolder))).map((f) => f.slice(auditFolder(dataFolder).length + 1))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^audit-\d{4}-\d{2}-001\.jsonl$/), 'head.json']),
    );
    const logText = readFileSync(join(dataFolder, 'logs', 'mesh-desktop.log'), 'utf8');
    expect(logText.split('\n').length).toBeGreaterThan(5);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of secrets) {
        for (const encoded of [
          Buffer.from(secret, 'utf8'),
          Buffer.from(secret, 'utf16le'),
          Buffer.from(Buffer.from(secret).toString('base64')),
        ]) {
          expect(bytes.includes(encoded), `${secret.slice(0, 4)}… found in ${file}`).toBe(false);
        }
      }
      expect(bytes.includes(Buffer.from('NHSMESH X26')), `an Authorization token in ${file}`).toBe(false);
    }
  });
});
