// Group Policy in the registry becomes the same Policy as policy.json, and every
// value that cannot be used is refused with a sentence naming it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegQuery } from '../../../main/settings/reg-query';
import { expandEnvironmentStrings, policyFromRegistry, type RegistrySourceResult } from '../../../main/settings/registry-policy';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'registry', name), 'utf8');
const ENV = { ProgramData: 'C:\\ProgramData', USERPROFILE: 'C:\\Users\\alex' };
const HKLM = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MESH Desktop';

function read(text: string, hive: 'HKLM' | 'HKCU' = 'HKLM'): RegistrySourceResult {
  return policyFromRegistry(hive, parseRegQuery(text), ENV);
}

/** A reg.exe listing of the HKLM policy key with these subkeys and value lines. */
function listing(keys: Record<string, string[]>): string {
  const blocks = Object.entries(keys).map(([key, values]) =>
    [key ? `${HKLM}\\${key}` : HKLM, ...values.map((v) => `    ${v}`)].join('\r\n'),
  );
  return `\r\n${blocks.join('\r\n\r\n')}\r\n\r\n`;
}

function problems(text: string): string[] {
  const result = read(text);
  if (result.status !== 'broken') throw new Error(`expected a broken policy, got ${JSON.stringify(result)}`);
  return result.problems;
}

describe('expandEnvironmentStrings', () => {
  it('expands names without regard to case and leaves unknown ones as written', () => {
    expect(expandEnvironmentStrings('%programdata%\\x\\%NOPE%\\%USERPROFILE%', ENV)).toBe('C:\\ProgramData\\x\\%NOPE%\\C:\\Users\\alex');
  });
});

describe('policyFromRegistry', () => {
  it('reads every setting policy.json can hold', () => {
    expect(read(fixture('hklm-every-setting.txt'))).toEqual({
      status: 'ok',
      notices: [],
      policy: {
        defaultDownloadFolder: 'C:\\ProgramData\\MESH Desktop\\received',
        minimumPollIntervalMinutes: 15,
        allowedEnvironments: ['LIVE', 'TRAINING'],
        environments: { LIVE: 'https://mesh-gateway.trust.nhs.uk', TRAINING: 'https://mesh-training.trust.nhs.uk' },
        extraCaFiles: [
          'C:\\ProgramData\\MESH Desktop\\ca\\nhs-root-g2.pem',
          'C:\\ProgramData\\MESH Desktop\\ca\\nhs-authentication-g2.pem',
        ],
        lock: ['proxy', 'extraCaFiles', 'mailboxes'],
        proxy: { mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', noProxy: 'localhost,127.0.0.1,.trust.nhs.uk' },
        updates: { enabled: false },
        mailboxes: [
          {
            environment: 'LIVE',
            mailboxId: 'X26OT123',
            displayName: 'Pathology results',
            downloadFolder: 'C:\\Users\\alex\\Documents\\Pathology',
            acknowledge: 'manual',
            certificate: { file: 'C:\\ProgramData\\MESH Desktop\\X26OT123.pfx' },
          },
          {
            environment: 'TRAINING',
            mailboxId: 'X26TR001',
            displayName: 'Training inbox',
            folderMode: { enabled: true, folder: 'D:\\MESH\\X26TR001', plainFileDefaults: { to: 'X26TR002', workflowId: 'PATH_RESULTS' } },
          },
        ],
      },
    });
  });

  it('is no policy when the key holds no values (what Not configured leaves behind)', () => {
    expect(read(fixture('hklm-not-configured.txt'))).toEqual({ status: 'absent' });
    expect(read('')).toEqual({ status: 'absent' });
  });

  it('reads the user hive under HKEY_CURRENT_USER', () => {
    expect(read(fixture('hkcu-one-mailbox.txt'), 'HKCU')).toEqual({
      status: 'ok',
      notices: [],
      policy: { mailboxes: [{ environment: 'LIVE', mailboxId: 'X26GP001', displayName: 'GP practice inbox' }] },
    });
    // The machine hive's reader does not take the user hive's keys.
    expect(read(fixture('hkcu-one-mailbox.txt'), 'HKLM')).toEqual({ status: 'absent' });
  });

  it('matches key and value names without regard to case, as Windows does', () => {
    const result = read(listing({ '': ['minimumpollintervalminutes    REG_DWORD    0x14'], proxy: ['MODE    REG_SZ    none'] }));
    expect(result).toMatchObject({ status: 'ok', policy: { minimumPollIntervalMinutes: 20, proxy: { mode: 'none' } } });
  });

  it('takes mailbox slots in number order, whatever order Windows lists them in', () => {
    const result = read(
      listing({
        'Mailboxes\\10': ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26AAA10', 'DisplayName    REG_SZ    Ten'],
        'Mailboxes\\2': ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26AAA02', 'DisplayName    REG_SZ    Two'],
      }),
    );
    expect(result.status === 'ok' && result.policy.mailboxes?.map((m) => m.displayName)).toEqual(['Two', 'Ten']);
  });

  it('reads a PEM certificate and its key file, and refuses a key file without its certificate', () => {
    const base = ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26AAA01', 'DisplayName    REG_SZ    One'];
    const pem = read(
      listing({
        'Mailboxes\\1': base,
        'Mailboxes\\1\\Certificate': ['File    REG_SZ    D:\\certs\\x26aaa01.crt', 'KeyFile    REG_EXPAND_SZ    %ProgramData%\\k.pem'],
      }),
    );
    expect(pem.status === 'ok' && pem.policy.mailboxes?.[0]?.certificate).toEqual({
      file: 'D:\\certs\\x26aaa01.crt',
      keyFile: 'C:\\ProgramData\\k.pem',
    });
    expect(problems(listing({ 'Mailboxes\\1': base, 'Mailboxes\\1\\Certificate': ['KeyFile    REG_SZ    D:\\k.pem'] }))).toEqual([
      expect.stringContaining('does not set Certificate file'),
    ]);
  });

  it('keeps folder mode off with its folder, and takes an unticked box alone as no folder mode', () => {
    const base = ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26AAA01', 'DisplayName    REG_SZ    One'];
    const off = read(
      listing({ 'Mailboxes\\1': base, 'Mailboxes\\1\\FolderMode': ['Enabled    REG_DWORD    0x0', 'Folder    REG_SZ    D:\\M'] }),
    );
    expect(off.status === 'ok' && off.policy.mailboxes?.[0]?.folderMode).toEqual({ enabled: false, folder: 'D:\\M' });
    const none = read(listing({ 'Mailboxes\\1': base, 'Mailboxes\\1\\FolderMode': ['Enabled    REG_DWORD    0x0'] }));
    expect(none.status === 'ok' && none.policy.mailboxes?.[0]).not.toHaveProperty('folderMode');
  });

  it('raises a poll interval below MESH’s floor to 5 minutes and says so', () => {
    expect(read(fixture('hklm-out-of-range.txt'))).toEqual({
      status: 'ok',
      policy: { minimumPollIntervalMinutes: 5 },
      notices: ["Your IT team's policy sets Poll interval to 1 minute; MESH allows 5 minutes at the shortest, so 5 minutes is used."],
    });
  });

  it('lowers a poll interval above a day to 1440 minutes and says so', () => {
    const result = read(listing({ '': ['MinimumPollIntervalMinutes    REG_DWORD    0x5a0'] }));
    expect(result).toMatchObject({ status: 'ok', policy: { minimumPollIntervalMinutes: 1440 } });
    const big = read(listing({ '': ['MinimumPollIntervalMinutes    REG_DWORD    0x10000'] }));
    expect(big).toEqual({
      status: 'ok',
      policy: { minimumPollIntervalMinutes: 1440 },
      notices: [
        "Your IT team's policy sets Poll interval to 65536 minutes; MESH asks for every mailbox to be checked at least once a day, so 1440 minutes is used.",
      ],
    });
  });

  it('ignores values this version does not know, and says so', () => {
    const result = read(listing({ '': ['MinimumPollIntervalMinutes    REG_DWORD    0xf', 'ShinyNewThing    REG_DWORD    0x1'] }));
    expect(result).toEqual({
      status: 'ok',
      policy: { minimumPollIntervalMinutes: 15 },
      notices: [
        `Your IT team's policy sets ${HKLM}\\ShinyNewThing, which this version of MESH Desktop does not know, so it is ignored. A newer MESH Desktop may use it.`,
      ],
    });
  });

  it('ignores "(Default)", which no policy uses', () => {
    expect(read(listing({ '': ['(Default)    REG_SZ    x', 'MinimumPollIntervalMinutes    REG_DWORD    0xf'] }))).toMatchObject({
      status: 'ok',
      notices: [],
    });
  });
});

describe('policyFromRegistry refuses values it cannot use', () => {
  it('names every value of the wrong type, and a flag that is not 0 or 1, in the order policies are read', () => {
    expect(problems(fixture('hklm-wrong-types.txt'))).toEqual([
      `Your IT team's policy "Settings people cannot change" sets Settings people cannot change to 2; it must be 1 (on) or 0 (off), so the policy cannot be used (${HKLM}\\Lock\\Proxy).`,
      `Your IT team's policy "Proxy server" sets Proxy as a number (REG_DWORD), but it must be text (REG_SZ or REG_EXPAND_SZ), so the policy cannot be used (${HKLM}\\Proxy\\Mode).`,
      `Your IT team's policy "Default download folder" sets Default download folder as a list of text (REG_MULTI_SZ), but it must be text (REG_SZ or REG_EXPAND_SZ), so the policy cannot be used (${HKLM}\\DefaultDownloadFolder).`,
      `Your IT team's policy "Poll interval (shortest time between inbox checks)" sets Poll interval as text (REG_SZ), but it must be a number (REG_DWORD), so the policy cannot be used (${HKLM}\\MinimumPollIntervalMinutes).`,
    ]);
  });

  // One case per kind of value and each wrong registry type it could arrive as.
  const wrongTypes: Array<[string, Record<string, string[]>]> = [
    ['text given as a number', { Proxy: ['Mode    REG_SZ    manual', 'Url    REG_DWORD    0x1'] }],
    ['text given as a list', { Environments: ['LIVE    REG_MULTI_SZ    https://a.nhs.uk'] }],
    [
      'text given as binary',
      { 'Mailboxes\\1': ['Environment    REG_BINARY    4C495645', 'MailboxId    REG_SZ    X26AAA01', 'DisplayName    REG_SZ    One'] },
    ],
    ['a path given as a large number', { '': ['DefaultDownloadFolder    REG_QWORD    0x1'] }],
    ['a number given as binary', { '': ['MinimumPollIntervalMinutes    REG_BINARY    0F000000'] }],
    ['a number given as a large number', { '': ['MinimumPollIntervalMinutes    REG_QWORD    0xf'] }],
    ['a checkbox given as text', { Updates: ['Enabled    REG_SZ    1'] }],
    ['a checkbox set to 5', { Updates: ['Enabled    REG_DWORD    0x5'] }],
    ['a list entry given as a number', { ExtraCaFiles: ['1    REG_DWORD    0x1'] }],
    ['a tick box given as text', { AllowedEnvironments: ['LIVE    REG_SZ    yes'] }],
    [
      'folder mode given as text',
      {
        'Mailboxes\\1': ['Environment    REG_SZ    LIVE', 'MailboxId    REG_SZ    X26AAA01', 'DisplayName    REG_SZ    One'],
        'Mailboxes\\1\\FolderMode': ['Enabled    REG_SZ    true', 'Folder    REG_SZ    D:\\M'],
      },
    ],
  ];
  it.each(wrongTypes)('refuses %s, naming the value', (_, keys) => {
    const found = problems(listing(keys));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^Your IT team's policy "[^"]+" sets .+ (as .+ \(REG_[A-Z_]+\), but it must be|to 5; it must be 1 \(on\) or 0 \(off\))/,
    );
    expect(found[0]).toContain(HKLM);
  });

  it('refuses a mailbox set twice, naming the second', () => {
    expect(problems(fixture('hklm-mailbox-twice.txt'))).toEqual([
      `Your IT team's policy "Mailbox 3" sets Mailbox ID to "x26ot123", which cannot be used: Mailbox X26OT123 in LIVE is listed twice. The policy cannot be used until this is fixed (${HKLM}\\Mailboxes\\3\\MailboxId).`,
    ]);
  });

  it('refuses a mailbox without a mailbox ID, naming where it goes', () => {
    expect(problems(listing({ 'Mailboxes\\4': ['Environment    REG_SZ    LIVE', 'DisplayName    REG_SZ    Four'] }))).toEqual([
      `Your IT team's policy "Mailbox 4" does not set Mailbox ID, which it needs. The policy cannot be used until this is fixed (${HKLM}\\Mailboxes\\4\\MailboxId).`,
    ]);
  });

  it('refuses values the policy.json schema refuses, with its sentence', () => {
    const found = problems(
      listing({
        Environments: ['LIVE    REG_SZ    http://mesh.example.nhs.uk'],
        Proxy: ['Mode    REG_SZ    manual'],
        'Mailboxes\\1': ['Environment    REG_SZ    CUSTOM', 'MailboxId    REG_SZ    X26AAA01', 'DisplayName    REG_SZ    One'],
        'Mailboxes\\1\\FolderMode': ['Enabled    REG_DWORD    0x1'],
      }),
    );
    expect(found).toEqual([
      `Your IT team's policy "MESH server addresses" sets Live address to "http://mesh.example.nhs.uk", which cannot be used: The MESH address must start with https://. Plain http:// is only allowed for a test server on this computer. The policy cannot be used until this is fixed (${HKLM}\\Environments\\LIVE).`,
      `Your IT team's policy "Proxy server" does not set Proxy address: Enter the proxy address, or choose to use the system proxy. The policy cannot be used until this is fixed (${HKLM}\\Proxy\\Url).`,
      `Your IT team's policy "Mailbox 1" sets Environment to "CUSTOM", which cannot be used: A policy mailbox must be in INT, DEP, LIVE or TRAINING. The policy cannot be used until this is fixed (${HKLM}\\Mailboxes\\1\\Environment).`,
      `Your IT team's policy "Mailbox 1" does not set Folder-mode folder, which it needs. The policy cannot be used until this is fixed (${HKLM}\\Mailboxes\\1\\FolderMode\\Folder).`,
    ]);
  });

  it('refuses no environment ticked in Which MESH environments can be used', () => {
    const found = problems(listing({ AllowedEnvironments: ['INT    REG_DWORD    0x0', 'LIVE    REG_DWORD    0x0'] }));
    expect(found).toEqual([
      `Your IT team's policy "Which MESH environments can be used" sets Environments that can be used to none, which cannot be used: allowedEnvironments must list at least one environment. The policy cannot be used until this is fixed (${HKLM}\\AllowedEnvironments).`,
    ]);
  });

  it('refuses anything that looks like a secret, by name or by content', () => {
    expect(
      problems(listing({ Proxy: ['Mode    REG_SZ    manual', 'Url    REG_SZ    http://p:8080', 'Password    REG_SZ    hunter2'] })),
    ).toEqual([
      `Your IT team's policy holds what looks like a password, passphrase or key (${HKLM}\\Proxy\\Password). Every user of this computer can read policy, so secrets must never be put in it: remove it, and change any password that was there. The policy cannot be used until then.`,
    ]);
    expect(problems(listing({ '': ['Note    REG_SZ    -----BEGIN RSA PRIVATE KEY-----'] }))[0]).toMatch(
      /looks like a password, passphrase or key/,
    );
  });

  it('refuses text reg.exe could not carry in its code page', () => {
    expect(problems(listing({ '': ['DefaultDownloadFolder    REG_SZ    D:\\Zo\uFFFD'] }))[0]).toMatch(/could not read correctly/);
  });
});
