import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EffectiveSettings } from '../../../main/settings/effective';
import { parsePolicy, type PolicyLoadResult } from '../../../main/settings/policy';
import { quarantineTimestamp, SettingsStore, type NewMailbox } from '../../../main/settings/store';
import { AppError } from '../../../main/shared/errors';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mesh-settings-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const settingsFile = () => path.join(dataDir, 'settings.json');

function newMailbox(overrides: Partial<NewMailbox> = {}): NewMailbox {
  return { environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Pathology', downloadFolder: '/in', ...overrides };
}

function okPolicy(value: unknown): PolicyLoadResult {
  const parsed = parsePolicy(JSON.stringify(value));
  if (!('policy' in parsed)) throw new Error(parsed.reason);
  return { status: 'ok', path: '/etc/mesh-desktop/policy.json', policy: parsed.policy };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject');
}

async function storedJson(): Promise<unknown> {
  return JSON.parse(await readFile(settingsFile(), 'utf8'));
}

describe('opening', () => {
  it('starts from defaults when there is no file, and writes nothing yet', async () => {
    const store = await SettingsStore.open(dataDir);
    expect(store.user.mailboxes).toEqual([]);
    expect(store.quarantined).toBeUndefined();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('creates the data folder owner-only', async () => {
    const folder = path.join(dataDir, 'nested', 'MESH Desktop');
    await SettingsStore.open(folder);
    if (process.platform !== 'win32') expect((await stat(folder)).mode & 0o777).toBe(0o700);
  });

  it('reads back what it wrote', async () => {
    const first = await SettingsStore.open(dataDir);
    const added = await first.addMailbox(newMailbox());
    await first.setProxy({ mode: 'manual', url: 'http://proxy:8080', username: 'bob' });
    const second = await SettingsStore.open(dataDir);
    expect(second.user).toEqual(first.user);
    expect(second.user.mailboxes[0]?.id).toBe(added.id);
  });
});

describe('a settings file that cannot be used', () => {
  const now = () => new Date('2026-03-01T09:15:00.123Z');

  it('is set aside when it is not JSON, and the person is told where it went', async () => {
    await writeFile(settingsFile(), '{ "version": 1, "mailb');
    const store = await SettingsStore.open(dataDir, { now });
    const aside = path.join(dataDir, 'settings.corrupt-20260301T091500Z.json');
    expect(store.quarantined?.path).toBe(aside);
    expect(store.quarantined?.reason).toMatch(/not valid JSON/);
    expect(store.quarantined?.message).toBe(
      `Your settings file could not be read, so it was set aside at ${aside} . MESH Desktop started with no mailboxes; your IT service desk can restore it.`,
    );
    expect(await readFile(aside, 'utf8')).toBe('{ "version": 1, "mailb');
    expect(store.user.mailboxes).toEqual([]);
  });

  it('is set aside when it fails validation, with the reason naming the bad entry', async () => {
    await writeFile(
      settingsFile(),
      JSON.stringify({
        version: 1,
        mailboxes: [
          { id: '11111111-1111-4111-8111-111111111111', environment: 'INT', mailboxId: '!!', displayName: 'A', downloadFolder: '/in' },
        ],
      }),
    );
    const store = await SettingsStore.open(dataDir, { now });
    expect(store.quarantined?.reason).toMatch(/mailboxes\[0\]\.mailboxId: The mailbox ID must be/);
  });

  it('is never overwritten: a later save writes a new file beside it', async () => {
    await writeFile(settingsFile(), 'garbage');
    const store = await SettingsStore.open(dataDir, { now });
    await store.addMailbox(newMailbox());
    expect(await readFile(store.quarantined!.path, 'utf8')).toBe('garbage');
    expect((await readdir(dataDir)).sort()).toEqual(['settings.corrupt-20260301T091500Z.json', 'settings.json']);
  });

  it('gets a new name when one from the same second already exists', async () => {
    await writeFile(settingsFile(), 'first');
    await SettingsStore.open(dataDir, { now });
    await writeFile(settingsFile(), 'second');
    const store = await SettingsStore.open(dataDir, { now });
    expect(path.basename(store.quarantined!.path)).toBe('settings.corrupt-20260301T091500Z-1.json');
    expect(await readFile(path.join(dataDir, 'settings.corrupt-20260301T091500Z.json'), 'utf8')).toBe('first');
  });

  it('is set aside when written by another version', async () => {
    await writeFile(settingsFile(), JSON.stringify({ version: 2 }));
    const store = await SettingsStore.open(dataDir, { now });
    expect(store.quarantined?.reason).toMatch(/different version/);
  });

  it('is set aside when it cannot be read at all', async () => {
    await mkdir(settingsFile());
    const store = await SettingsStore.open(dataDir, { now });
    expect(store.quarantined?.reason).toMatch(/could not be read/);
  });

  it('quarantineTimestamp makes a file-name-safe UTC stamp', () => {
    expect(quarantineTimestamp(new Date('2026-12-31T23:59:59.999Z'))).toBe('20261231T235959Z');
  });
});

describe('writing', () => {
  it('writes owner-only and leaves no temporary files', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.addMailbox(newMailbox());
    await store.setNotifications(false);
    expect(await readdir(dataDir)).toEqual(['settings.json']);
    if (process.platform !== 'win32') expect((await stat(settingsFile())).mode & 0o777).toBe(0o600);
  });

  it('runs changes one at a time, so none is lost', async () => {
    const store = await SettingsStore.open(dataDir);
    await Promise.all(
      ['X26AAA1', 'X26AAA2', 'X26AAA3', 'X26AAA4', 'X26AAA5'].map((mailboxId) => store.addMailbox(newMailbox({ mailboxId }))),
    );
    expect(store.user.mailboxes.map((profile) => profile.mailboxId)).toEqual(['X26AAA1', 'X26AAA2', 'X26AAA3', 'X26AAA4', 'X26AAA5']);
    const reopened = await SettingsStore.open(dataDir);
    expect(reopened.user.mailboxes).toHaveLength(5);
  });

  it('keeps the settings in memory unchanged when the write fails', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.addMailbox(newMailbox());
    // A folder where the file should be makes the final rename fail.
    await rm(settingsFile());
    await mkdir(path.join(settingsFile(), 'blocker'), { recursive: true });
    const error = await rejection(store.setNotifications(false));
    expect(error.code).toBe('disk-error');
    expect(store.user.notifications).toBe(true);
    expect((await readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('mailboxes', () => {
  it('adds with defaults filled in and upper-cases the mailbox ID', async () => {
    const store = await SettingsStore.open(dataDir);
    const added = await store.addMailbox(newMailbox({ mailboxId: 'x26abc1' }));
    expect(added).toMatchObject({ mailboxId: 'X26ABC1', pollIntervalMinutes: 5, acknowledge: 'after-save', usable: true });
    expect(added.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses the same mailbox ID and environment twice with a clear error', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.addMailbox(newMailbox());
    const before = await storedJson();
    const error = await rejection(store.addMailbox(newMailbox({ mailboxId: 'x26abc1', displayName: 'Again' })));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('Mailbox X26ABC1 in Integration (INT) is already set up in MESH Desktop (as "Pathology").');
    expect(await storedJson()).toEqual(before);
  });

  it('allows the same mailbox ID in another environment', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.addMailbox(newMailbox());
    await store.addMailbox(newMailbox({ environment: 'LIVE' }));
    expect(store.user.mailboxes).toHaveLength(2);
  });

  it('refuses an invalid mailbox with the first problem as the message', async () => {
    const store = await SettingsStore.open(dataDir);
    const error = await rejection(store.addMailbox(newMailbox({ mailboxId: 'A1' })));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/5 to 20 letters or digits/);
  });

  it('uses the default download folder when none is given', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.setDefaultDownloadFolder('/home/me/MESH');
    const { downloadFolder: _dropped, ...withoutFolder } = newMailbox();
    const added = await store.addMailbox(withoutFolder);
    expect(added.downloadFolder).toBe('/home/me/MESH');
  });

  it('updates fields and clears an optional one with undefined', async () => {
    const store = await SettingsStore.open(dataDir);
    const added = await store.addMailbox(newMailbox({ certificate: { kind: 'pfx', file: '/c.pfx' } }));
    const updated = await store.updateMailbox(added.id, { displayName: 'Renamed', certificate: undefined, pollIntervalMinutes: 30 });
    expect(updated).toMatchObject({ displayName: 'Renamed', pollIntervalMinutes: 30 });
    expect(updated.certificate).toBeUndefined();
    expect(JSON.stringify(await storedJson())).not.toContain('c.pfx');
  });

  it('refuses changing a mailbox into a duplicate of another', async () => {
    const store = await SettingsStore.open(dataDir);
    await store.addMailbox(newMailbox());
    const second = await store.addMailbox(newMailbox({ mailboxId: 'X26ABC2' }));
    const error = await rejection(store.updateMailbox(second.id, { mailboxId: 'X26ABC1' }));
    expect(error.message).toMatch(/already set up/);
  });

  it('removes a mailbox and forgets it as the active one', async () => {
    const store = await SettingsStore.open(dataDir);
    const added = await store.addMailbox(newMailbox());
    await store.setActiveMailbox(added.id);
    expect(store.user.activeMailboxId).toBe(added.id);
    await store.removeMailbox(added.id);
    expect(store.user.mailboxes).toEqual([]);
    expect(store.user.activeMailboxId).toBeUndefined();
  });

  it('refuses unknown mailbox ids', async () => {
    const store = await SettingsStore.open(dataDir);
    expect((await rejection(store.updateMailbox('11111111-1111-4111-8111-111111111111', { displayName: 'x' }))).code).toBe(
      'invalid-argument',
    );
    expect((await rejection(store.removeMailbox('11111111-1111-4111-8111-111111111111'))).code).toBe('invalid-argument');
    expect((await rejection(store.setActiveMailbox('11111111-1111-4111-8111-111111111111'))).code).toBe('invalid-argument');
  });
});

describe('other settings', () => {
  it('validates what it is given', async () => {
    const store = await SettingsStore.open(dataDir);
    expect((await rejection(store.setMaxConcurrentTransfers(9))).message).toMatch(/at most 8/);
    expect((await rejection(store.setChunkSizeMiB(200))).message).toMatch(/95 MiB or less/);
    expect((await rejection(store.setProxy({ mode: 'manual' }))).message).toMatch(/proxy address/);
    await store.setMaxConcurrentTransfers(8);
    await store.setChunkSizeMiB(20);
    await store.setChunkSizeMiB(undefined);
    await store.setUpdates({ enabled: false });
    await store.setExtraCaFiles(['/etc/ssl/trust.pem']);
    expect(store.user).toMatchObject({ maxConcurrentTransfers: 8, updates: { enabled: false }, extraCaFiles: ['/etc/ssl/trust.pem'] });
    expect(store.user.chunkSizeMiB).toBeUndefined();
  });

  it('tells listeners after each change, until they stop listening', async () => {
    const store = await SettingsStore.open(dataDir);
    const seen: EffectiveSettings[] = [];
    const stop = store.onChange((effective) => seen.push(effective));
    await store.setNotifications(false);
    await store.addMailbox(newMailbox());
    stop();
    await store.setNotifications(true);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.settings.notifications).toBe(false);
    expect(seen[1]?.settings.mailboxes).toHaveLength(1);
  });

  it('does not let a failing listener undo or block a change', async () => {
    const store = await SettingsStore.open(dataDir);
    store.onChange(() => {
      throw new Error('listener bug');
    });
    await store.setNotifications(false);
    expect(store.user.notifications).toBe(false);
  });

  it('user settings are a copy, so editing them changes nothing', async () => {
    const store = await SettingsStore.open(dataDir);
    store.user.extraCaFiles.push('/sneaky.pem');
    expect(store.user.extraCaFiles).toEqual([]);
  });
});

describe('policy through the store', () => {
  it('refuses a proxy change when IT locks the proxy, and leaves the file alone', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ proxy: { mode: 'manual', url: 'http://trust:8080' } }) });
    await store.setNotifications(false);
    const before = await storedJson();
    const error = await rejection(store.setProxy({ mode: 'none' }));
    expect(error.code).toBe('managed-by-policy');
    expect(error.message).toMatch(/Your organisation manages the proxy setting/);
    expect(await storedJson()).toEqual(before);
    expect(store.effective.settings.proxy).toEqual({ mode: 'manual', url: 'http://trust:8080' });
  });

  it('accepts saving the very value policy enforces, without storing it', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ proxy: { mode: 'none' } }) });
    await store.setProxy({ mode: 'none' });
    expect(store.user.proxy).toEqual({ mode: 'system' });
  });

  it.each([
    ['extra CA files', { extraCaFiles: ['trust.pem'] }, (store: SettingsStore) => store.setExtraCaFiles(['mine.pem'])],
    ['the default folder', { defaultDownloadFolder: 'H:\\MESH' }, (store: SettingsStore) => store.setDefaultDownloadFolder('/mine')],
    ['updates', { updates: { enabled: false } }, (store: SettingsStore) => store.setUpdates({ enabled: true })],
    ['updates locked with no value', { lock: ['updates'] }, (store: SettingsStore) => store.setUpdates({ enabled: false })],
  ])('refuses changing %s when locked', async (_label, policy, change) => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy(policy) });
    expect((await rejection(change(store))).code).toBe('managed-by-policy');
  });

  it('lets the person change a setting policy only starts off', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ defaultDownloadFolder: 'H:\\MESH', lock: [] }) });
    expect(store.effective.settings.defaultDownloadFolder).toBe('H:\\MESH');
    await store.setDefaultDownloadFolder('/mine');
    expect(store.effective.settings.defaultDownloadFolder).toBe('/mine');
  });

  it('refuses a mailbox in an environment IT does not allow', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ allowedEnvironments: ['INT'] }) });
    const error = await rejection(store.addMailbox(newMailbox({ environment: 'LIVE' })));
    expect(error.code).toBe('managed-by-policy');
    expect(error.message).toMatch(/does not allow Live mailboxes/);
    const added = await store.addMailbox(newMailbox());
    expect((await rejection(store.updateMailbox(added.id, { environment: 'LIVE' }))).code).toBe('managed-by-policy');
  });

  it('refuses a poll interval below the floor, and starts new mailboxes at the floor', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ minimumPollIntervalMinutes: 15 }) });
    const error = await rejection(store.addMailbox(newMailbox({ pollIntervalMinutes: 5 })));
    expect(error.code).toBe('managed-by-policy');
    expect(error.message).toMatch(/no more often than every 15 minutes/);
    const added = await store.addMailbox(newMailbox());
    expect(added.pollIntervalMinutes).toBe(15);
    expect((await rejection(store.updateMailbox(added.id, { pollIntervalMinutes: 10 }))).code).toBe('managed-by-policy');
    expect((await store.updateMailbox(added.id, { pollIntervalMinutes: 45 })).pollIntervalMinutes).toBe(45);
  });

  it('lets a person rename a mailbox whose stored interval is under a newer floor', async () => {
    const first = await SettingsStore.open(dataDir);
    const added = await first.addMailbox(newMailbox({ pollIntervalMinutes: 5 }));
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ minimumPollIntervalMinutes: 15 }) });
    const renamed = await store.updateMailbox(added.id, { displayName: 'New name' });
    expect(renamed).toMatchObject({ displayName: 'New name', pollIntervalMinutes: 15 });
  });

  it('refuses changing a locked poll interval', async () => {
    const store = await SettingsStore.open(dataDir, { policy: okPolicy({ minimumPollIntervalMinutes: 30, lock: ['pollInterval'] }) });
    const added = await store.addMailbox(newMailbox());
    expect(added.pollIntervalMinutes).toBe(30);
    expect((await rejection(store.updateMailbox(added.id, { pollIntervalMinutes: 60 }))).message).toMatch(/every 30 minutes/);
  });

  describe('mailboxes IT set up', () => {
    const policy = okPolicy({
      mailboxes: [{ environment: 'LIVE', mailboxId: 'X26PATH', displayName: 'Pathology results', downloadFolder: 'H:\\Path' }],
    });

    it('cannot be removed', async () => {
      const store = await SettingsStore.open(dataDir, { policy });
      const [defined] = store.effective.settings.mailboxes;
      const error = await rejection(store.removeMailbox(defined!.id));
      expect(error.code).toBe('managed-by-policy');
      expect(error.message).toMatch(/cannot be removed/);
    });

    it('cannot be renamed or moved', async () => {
      const store = await SettingsStore.open(dataDir, { policy });
      const id = store.effective.settings.mailboxes[0]!.id;
      expect((await rejection(store.updateMailbox(id, { displayName: 'Mine' }))).message).toMatch(/its name cannot be changed/);
      expect((await rejection(store.updateMailbox(id, { downloadFolder: '/mine' }))).message).toMatch(/download folder cannot be changed/);
      expect((await rejection(store.updateMailbox(id, { mailboxId: 'X26OTHER' }))).code).toBe('managed-by-policy');
    });

    it('can be given a certificate, which is kept across restarts', async () => {
      const store = await SettingsStore.open(dataDir, { policy });
      const id = store.effective.settings.mailboxes[0]!.id;
      const updated = await store.updateMailbox(id, {
        certificate: { kind: 'pfx', file: '/data/certificates/x/certificate.pfx' },
        displayName: 'Pathology results',
      });
      expect(updated).toMatchObject({ id, source: 'policy', certificate: { kind: 'pfx' } });
      const reopened = await SettingsStore.open(dataDir, { policy });
      expect(reopened.effective.settings.mailboxes).toHaveLength(1);
      expect(reopened.effective.settings.mailboxes[0]).toMatchObject({ id, certificate: { kind: 'pfx' } });
    });

    it('stop people adding their own by default', async () => {
      const store = await SettingsStore.open(dataDir, { policy });
      const error = await rejection(store.addMailbox(newMailbox()));
      expect(error.code).toBe('managed-by-policy');
      expect(error.message).toMatch(/only allows the mailboxes it has set up/);
    });

    it('cannot be added again by hand', async () => {
      const store = await SettingsStore.open(dataDir, {
        policy: okPolicy({ mailboxes: [{ environment: 'LIVE', mailboxId: 'X26PATH', displayName: 'Path' }], lock: [] }),
      });
      const error = await rejection(store.addMailbox(newMailbox({ environment: 'LIVE', mailboxId: 'x26path' })));
      expect(error.code).toBe('invalid-argument');
      expect(error.message).toMatch(/already set up/);
    });
  });

  it('refuses every change while the policy file is broken', async () => {
    const store = await SettingsStore.open(dataDir);
    const added = await store.addMailbox(newMailbox());
    const broken = okPolicy({});
    const problemError = new AppError({ code: 'policy-invalid', message: 'Policy broken.' });
    store.setPolicy({ status: 'broken', path: broken.path, problem: { path: broken.path, reason: 'x', error: problemError } });
    for (const change of [
      store.addMailbox(newMailbox({ mailboxId: 'X26ABC9' })),
      store.updateMailbox(added.id, { displayName: 'x' }),
      store.removeMailbox(added.id),
      store.setProxy({ mode: 'none' }),
      store.setNotifications(false),
      store.setUpdates({ enabled: false }),
    ]) {
      expect((await rejection(change)).code).toBe('policy-invalid');
    }
    expect(store.effective.settings.mailboxes[0]?.usable).toBe(false);
  });

  it('setPolicy tells listeners and changes the effective settings', async () => {
    const store = await SettingsStore.open(dataDir);
    let calls = 0;
    store.onChange(() => (calls += 1));
    store.setPolicy(okPolicy({ proxy: { mode: 'none' } }));
    expect(calls).toBe(1);
    expect(store.effective.settings.proxy).toEqual({ mode: 'none' });
  });
});
