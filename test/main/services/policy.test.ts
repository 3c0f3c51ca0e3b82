// Machine policy as the window sees it: locked values reported as managed, and
// changes to them refused in main (policy over user settings, end to end).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { MailboxSettings, MailboxSummary, Reply, SettingsSnapshot } from '../../../main/contract/types';
import { runFolderService } from '../../../main/folders/service';
import { folderModeConnections } from '../../../main/services/folder-runner';
import type { FolderMailbox } from '../../../main/folders/folder-mode';
import type { RegistryQueryOutcome, RegistryReader } from '../../../main/settings/reg-query';
import { SHARED_KEY, startMeshFixture, type MeshFixture } from '../../support/mesh-fixture';

let folder: string;
let services: AppServices;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'policy-services-'));
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ version: 1, mailboxes: [], proxy: { mode: 'none' } }));
  writeFileSync(
    join(folder, 'policy.json'),
    JSON.stringify({
      allowedEnvironments: ['LIVE'],
      proxy: { mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080' },
      minimumPollIntervalMinutes: 15,
      mailboxes: [{ environment: 'LIVE', mailboxId: 'X26OT123', displayName: 'Pathology results' }],
    }),
  );
  services = await createAppServices({
    shell: 'preview',
    dataFolder: folder,
    log: silentLogger,
    policyPath: join(folder, 'policy.json'),
    keychainService: `MESH Desktop test ${randomUUID()}`,
    background: false,
  });
});

afterAll(async () => {
  await services.shutdown();
  rmSync(folder, { recursive: true, force: true });
});

const call = (name: string, ...args: unknown[]) => services.dispatch(name, args) as Promise<Reply<unknown>>;

describe('machine policy through the contract', () => {
  it("reports IT's values, not the person's, and says which are locked", async () => {
    const reply = (await call('getSettings')) as Reply<SettingsSnapshot>;
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.value.proxy).toMatchObject({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080' });
    expect(reply.value.managed).toMatchObject({ proxy: true, environments: true });
    expect(reply.value.minimumPollIntervalMinutes).toBe(15);
    expect(reply.value.allowedEnvironments).toEqual(['LIVE']);
  });

  it('refuses to change a locked setting, with a sentence', async () => {
    const reply = await call('updateSettings', { proxy: { mode: 'none' } });
    expect(reply).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
  });

  it("shows IT's mailbox as managed and will not remove it", async () => {
    const list = (await call('listMailboxes')) as Reply<MailboxSummary[]>;
    if (!list.ok) throw new Error(list.error.message);
    expect(list.value).toEqual([expect.objectContaining({ mailboxId: 'X26OT123', managed: true, environment: 'LIVE' })]);
    const removed = await call('removeMailbox', list.value[0]!.id);
    expect(removed).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
  });

  it('refuses a mailbox in an environment IT has not allowed', async () => {
    const reply = await call('addMailbox', { environment: 'INT', mailboxId: 'X26ABC9', displayName: 'Test', password: 'pw' });
    expect(reply.ok).toBe(false);
  });
});

/** A registry that tests change while the app runs: each hive's reg.exe output, or missing. */
function standInRegistry(): RegistryReader & { set(hive: 'HKLM' | 'HKCU', output: string | undefined): void } {
  const outputs = new Map<string, string>();
  return {
    query: (hive): Promise<RegistryQueryOutcome> => {
      const output = outputs.get(hive);
      return Promise.resolve(output === undefined ? { status: 'missing' } : { status: 'found', output });
    },
    set: (hive, output) => (output === undefined ? outputs.delete(hive) : outputs.set(hive, output)),
  };
}

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'settings', 'fixtures', 'registry', name), 'utf8');
const HKLM_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MESH Desktop';

/** reg.exe output for the machine hive with these subkeys and value lines. */
function hklm(keys: Record<string, string[]>): string {
  const blocks = Object.entries(keys).map(([key, values]) =>
    [key ? `${HKLM_KEY}\\${key}` : HKLM_KEY, ...values.map((v) => `    ${v}`)].join('\r\n'),
  );
  return `\r\n${blocks.join('\r\n\r\n')}\r\n\r\n`;
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Group Policy in the registry through the contract', () => {
  let gpFolder: string;
  let gp: AppServices;
  const registry = standInRegistry();
  const gpCall = (name: string, ...args: unknown[]) => gp.dispatch(name, args) as Promise<Reply<unknown>>;
  const settings = async () => {
    const reply = (await gpCall('getSettings')) as Reply<SettingsSnapshot>;
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  };

  beforeAll(async () => {
    gpFolder = mkdtempSync(join(tmpdir(), 'policy-registry-'));
    registry.set('HKCU', fixture('hkcu-one-mailbox.txt'));
    gp = await createAppServices({
      shell: 'preview',
      dataFolder: gpFolder,
      log: silentLogger,
      policyPath: join(gpFolder, 'no-policy.json'),
      policyRegistry: registry,
      policyRecheckMs: 50,
      keychainService: `MESH Desktop test ${randomUUID()}`,
      background: false,
    });
  });

  afterAll(async () => {
    await gp.shutdown();
    rmSync(gpFolder, { recursive: true, force: true });
  });

  it('shows a mailbox pre-set by user Group Policy as managed, and refuses to change or remove it', async () => {
    const snapshot = await settings();
    expect(snapshot.mailboxes).toEqual([
      expect.objectContaining<Partial<MailboxSettings>>({ mailboxId: 'X26GP001', displayName: 'GP practice inbox', managed: true }),
    ]);
    const id = snapshot.mailboxes[0]!.id;
    // The person may choose the folder IT left open, but not the name IT gave.
    const renamed = await gpCall('updateMailbox', id, { downloadFolder: join(gpFolder, 'in'), displayName: 'Mine now' });
    expect(renamed).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    expect(await gpCall('updateMailbox', id, { downloadFolder: join(gpFolder, 'in') })).toMatchObject({ ok: true });
    expect(await gpCall('removeMailbox', id)).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    // Mailboxes set by policy (and no lock list) mean people may not add their own.
    expect(await gpCall('addMailbox', { environment: 'INT', mailboxId: 'X26ABC9', displayName: 'Mine', password: 'pw' })).toMatchObject({
      ok: false,
      error: { code: 'managed-by-policy' },
    });
  });

  it('applies a change to the registry while running, computer policy first, with its sentence in Settings', async () => {
    const told: string[] = [];
    const stop = gp.events.subscribe((name) => told.push(name));
    registry.set('HKLM', fixture('hklm-every-setting.txt').replace('0xf', '0x1'));
    const snapshot = await until(settings, (s) => s.mailboxes.length === 3, 'the machine mailboxes');
    stop();
    // An open Settings view is told, so it shows IT's change without being reopened.
    expect(told).toContain('settings-changed');
    expect(snapshot.mailboxes.map((m) => [m.mailboxId, m.managed])).toEqual([
      ['X26OT123', true],
      ['X26TR001', true],
      ['X26GP001', true],
    ]);
    expect(snapshot.proxy).toMatchObject({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080' });
    expect(snapshot.managed).toMatchObject({ proxy: true, extraCaFiles: true, environments: true });
    expect(snapshot.minimumPollIntervalMinutes).toBe(5);
    expect(snapshot.allowedEnvironments).toEqual(['LIVE', 'TRAINING']);
    expect(snapshot.problems).toEqual([
      "Your IT team's policy sets Poll interval to 1 minute; MESH allows 5 minutes at the shortest, so 5 minutes is used.",
    ]);
    expect(await gpCall('updateSettings', { proxy: { mode: 'none' } })).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
  });

  it('fails closed on a value of the wrong type, saying which, and recovers when it is fixed', async () => {
    registry.set('HKLM', hklm({ Proxy: ['Mode    REG_DWORD    0x1'] }));
    const broken = await until(settings, (s) => s.problems.length === 2, 'the broken policy');
    expect(broken.problems).toEqual([
      'The MESH Desktop settings your IT team set in Group Policy for this computer cannot be used, so MESH Desktop will not connect to MESH until they are fixed. Contact your IT service desk.',
      `Your IT team's policy "Proxy server" sets Proxy as a number (REG_DWORD), but it must be text (REG_SZ or REG_EXPAND_SZ), so the policy cannot be used (${HKLM_KEY}\\Proxy\\Mode).`,
    ]);
    const list = (await gpCall('listMailboxes')) as Reply<MailboxSummary[]>;
    if (!list.ok) throw new Error(list.error.message);
    expect(list.value.every((m) => m.unusableReason?.startsWith('The MESH Desktop settings your IT team set'))).toBe(true);

    registry.set('HKLM', undefined);
    const fixed = await until(settings, (s) => s.problems.length === 0, 'the policy to be fixed');
    expect(fixed.mailboxes.map((m) => m.mailboxId)).toEqual(['X26GP001']);
  });
});

describe('Group Policy and a running folder-mode service', () => {
  it('starts folder mode for a mailbox Group Policy adds while it runs, without a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'policy-folder-service-'));
    const registry = standInRegistry();
    const controller = new AbortController();
    const started: FolderMailbox[][] = [];
    const mailboxFolder = join(folder, 'X26FM001');
    mkdirSync(mailboxFolder);
    mkdirSync(join(folder, 'data'));
    try {
      const running = runFolderService({
        dataFolder: join(folder, 'data'),
        log: silentLogger,
        connections: folderModeConnections,
        signal: controller.signal,
        policyPath: join(folder, 'no-policy.json'),
        registry,
        policyRecheckMs: 50,
        keychainService: `MESH Desktop test ${randomUUID()}`,
        statusIntervalMs: 1_000,
        onStarted: (mailboxes) => started.push(mailboxes),
      });
      await until(
        () => Promise.resolve(started.length),
        (n) => n === 1,
        'folder mode to start',
      );
      expect(started[0]).toEqual([]);
      registry.set(
        'HKLM',
        hklm({
          '': [`DefaultDownloadFolder    REG_SZ    ${join(folder, 'in')}`],
          'Mailboxes\\1': ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26FM001', 'DisplayName    REG_SZ    Folder mailbox'],
          'Mailboxes\\1\\FolderMode': ['Enabled    REG_DWORD    0x1', `Folder    REG_EXPAND_SZ    ${mailboxFolder}`],
        }),
      );
      await until(
        () => Promise.resolve(started.length),
        (n) => n === 2,
        'folder mode to start again with the policy',
      );
      expect(started[1]).toEqual([expect.objectContaining({ mailboxId: 'X26FM001', folder: mailboxFolder })]);
      controller.abort();
      await running;
    } finally {
      controller.abort();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a certificate Group Policy names for a mailbox, over real TLS', () => {
  let mesh: MeshFixture;
  let certFolder: string;
  let cs: AppServices;
  const registry = standInRegistry();
  const csCall = async <T>(name: string, ...args: unknown[]): Promise<Reply<T>> => (await cs.dispatch(name, args)) as Reply<T>;
  const keychainService = `MESH Desktop test ${randomUUID()}`;

  beforeAll(async () => {
    mesh = await startMeshFixture();
    certFolder = mkdtempSync(join(tmpdir(), 'policy-certificate-'));
    registry.set(
      'HKLM',
      hklm({
        '': [`DefaultDownloadFolder    REG_SZ    ${join(certFolder, 'in')}`],
        Environments: [`INT    REG_SZ    ${mesh.sandbox.url}`],
        ExtraCaFiles: [`1    REG_SZ    ${mesh.files.caCert}`],
        'Mailboxes\\1': ['Environment    REG_SZ    INT', 'MailboxId    REG_SZ    X26ABC1', 'DisplayName    REG_SZ    Riverside Surgery'],
        'Mailboxes\\1\\Certificate': [`File    REG_EXPAND_SZ    ${mesh.files.clientPfx}`],
        'Mailboxes\\2': ['Environment    REG_SZ    INT', 'MailboxId    REG_SZ    X26ABC2', 'DisplayName    REG_SZ    Pathology'],
        'Mailboxes\\2\\Certificate': [`File    REG_SZ    ${mesh.files.clientCert}`, `KeyFile    REG_SZ    ${mesh.files.clientKey}`],
      }),
    );
    cs = await createAppServices({
      shell: 'preview',
      dataFolder: certFolder,
      log: silentLogger,
      policyPath: join(certFolder, 'no-policy.json'),
      policyRegistry: registry,
      policyRecheckMs: 50,
      keychainService,
      background: false,
    });
  });

  afterAll(async () => {
    await cs?.shutdown();
    const keytar = (await import('keytar')).default;
    for (const credential of await keytar.findCredentials(keychainService))
      await keytar.deletePassword(keychainService, credential.account);
    await mesh?.close();
    rmSync(certFolder, { recursive: true, force: true });
  });

  const mailboxNamed = async (mailboxId: string) => {
    const reply = await csCall<SettingsSnapshot>('getSettings');
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value.mailboxes.find((m) => m.mailboxId === mailboxId)!;
  };

  it('connects with the PEM files IT named, read from where they are, not from a copy', async () => {
    const pathology = await mailboxNamed('X26ABC2');
    expect(pathology.certificateFromPolicy).toEqual({ path: mesh.files.clientCert, keyPath: mesh.files.clientKey, needsPassphrase: false });
    expect(pathology.certificate?.subject).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    expect(await csCall('updateMailbox', pathology.id, { password: 'password', sharedKey: SHARED_KEY })).toMatchObject({ ok: true });
    const result = await csCall<{ ok: boolean; steps: { step: string; outcome: string }[] }>('testConnection', pathology.id);
    expect(result).toMatchObject({ ok: true, value: { ok: true } });
    expect(readdirSync(certFolder)).not.toContain('certificates');
  });

  it('asks for the password of a protected PFX, refuses a wrong one, and connects with the right one', async () => {
    let riverside = await mailboxNamed('X26ABC1');
    expect(riverside.certificateFromPolicy).toMatchObject({ path: mesh.files.clientPfx, needsPassphrase: true });
    expect(riverside.certificateFromPolicy?.problem).toContain('needs its password');
    await csCall('updateMailbox', riverside.id, { password: 'password' });
    const before = await csCall<{ ok: boolean; summary: string }>('testConnection', riverside.id);
    expect(before.ok && before.value.ok).toBe(false);

    const wrong = await csCall('updateMailbox', riverside.id, { certificatePassphrase: 'not-it' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'certificate-passphrase-wrong' } });
    expect(wrong.ok === false && wrong.error.message).toContain('does not open the certificate your IT team set');

    expect(await csCall('updateMailbox', riverside.id, { certificatePassphrase: mesh.pki.pfxPassphrase })).toMatchObject({ ok: true });
    riverside = await mailboxNamed('X26ABC1');
    expect(riverside.certificateFromPolicy).toEqual({ path: mesh.files.clientPfx, needsPassphrase: false });
    const after = await csCall<{ ok: boolean }>('testConnection', riverside.id);
    expect(after).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('will not replace a certificate IT set, and says so', async () => {
    const riverside = await mailboxNamed('X26ABC1');
    const reply = await csCall('updateMailbox', riverside.id, {
      certificate: { kind: 'pem', certificatePath: mesh.files.otherClientCert, keyPath: mesh.files.otherClientKey },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'managed-by-policy' } });
    expect(reply.ok === false && reply.error.message).toContain("set Riverside Surgery's certificate");
  });

  it('names the missing file for IT when the policy points at nothing', async () => {
    registry.set(
      'HKLM',
      hklm({
        Environments: [`INT    REG_SZ    ${mesh.sandbox.url}`],
        'Mailboxes\\1': ['Environment    REG_SZ    INT', 'MailboxId    REG_SZ    X26ABC1', 'DisplayName    REG_SZ    Riverside Surgery'],
        'Mailboxes\\1\\Certificate': [`File    REG_SZ    ${join(certFolder, 'moved.pfx')}`],
      }),
    );
    const riverside = await until(
      () => mailboxNamed('X26ABC1'),
      (m) => m.certificateFromPolicy?.path === join(certFolder, 'moved.pfx'),
      'the changed policy',
    );
    expect(riverside.certificateFromPolicy).toMatchObject({ path: join(certFolder, 'moved.pfx'), needsPassphrase: false });
    expect(riverside.certificateFromPolicy?.problem).toContain(join(certFolder, 'moved.pfx'));
    expect(riverside.certificateFromPolicy?.problem).toContain('Contact your IT service desk');
  });
});
