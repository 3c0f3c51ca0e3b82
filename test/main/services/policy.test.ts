// Machine policy as the window sees it: locked values reported as managed, and
// changes to them refused in main (policy over user settings, end to end).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../main/log/logger';
import { createAppServices, type AppServices } from '../../../main/services/app-services';
import type { MailboxSettings, MailboxSummary, Reply, SettingsSnapshot } from '../../../main/contract/types';
import { runFolderService } from '../../../main/folders/service';
import type { FolderMailbox } from '../../../main/folders/folder-mode';
import type { RegistryQueryOutcome, RegistryReader } from '../../../main/settings/reg-query';

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
    registry.set('HKLM', fixture('hklm-every-setting.txt').replace('0xf', '0x1'));
    const snapshot = await until(settings, (s) => s.mailboxes.length === 3, 'the machine mailboxes');
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
