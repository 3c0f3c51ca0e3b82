import { describe, expect, it } from 'vitest';
import {
  appSettingsSchema,
  defaultSettings,
  mailboxIdentityKey,
  mailboxProfileSchema,
  meshUrlProblem,
  proxySettingsSchema,
  proxyUrlProblem,
} from '../../../main/settings/schema';

const ID = '3f1c2a57-6b0e-4a7d-9a43-1f2e3d4c5b6a';

function profile(overrides: Record<string, unknown> = {}) {
  return { id: ID, environment: 'INT', mailboxId: 'X26ABC1', displayName: 'Pathology', downloadFolder: '/data/in', ...overrides };
}

describe('defaultSettings', () => {
  it('has no mailboxes, the system proxy, three transfers, notifications and updates on', () => {
    expect(defaultSettings()).toEqual({
      version: 1,
      mailboxes: [],
      proxy: { mode: 'system' },
      extraCaFiles: [],
      maxConcurrentTransfers: 3,
      notifications: true,
      updates: { enabled: true },
    });
  });

  it('returns a fresh object each time', () => {
    const first = defaultSettings();
    first.extraCaFiles.push('x');
    expect(defaultSettings().extraCaFiles).toEqual([]);
  });
});

describe('mailboxProfileSchema', () => {
  it('fills in the poll interval, acknowledge mode and CA list', () => {
    const parsed = mailboxProfileSchema.parse(profile());
    expect(parsed.pollIntervalMinutes).toBe(5);
    expect(parsed.acknowledge).toBe('after-save');
    expect(parsed.extraCaFiles).toEqual([]);
  });

  it('upper-cases and trims the mailbox ID', () => {
    expect(mailboxProfileSchema.parse(profile({ mailboxId: ' x26abc1 ' })).mailboxId).toBe('X26ABC1');
  });

  it.each([
    ['too short', 'X26A'],
    ['too long', 'A'.repeat(21)],
    ['punctuation', 'X26-ABC1'],
    ['space inside', 'X26 ABC1'],
    ['empty', ''],
  ])('rejects a mailbox ID that is %s', (_label, mailboxId) => {
    const result = mailboxProfileSchema.safeParse(profile({ mailboxId }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/5 to 20 letters or digits/);
  });

  it.each([5, 60, 1440])('accepts a poll interval of %i minutes', (minutes) => {
    expect(mailboxProfileSchema.safeParse(profile({ pollIntervalMinutes: minutes })).success).toBe(true);
  });

  it.each([4, 0, 1441, 7.5])('rejects a poll interval of %s minutes', (minutes) => {
    expect(mailboxProfileSchema.safeParse(profile({ pollIntervalMinutes: minutes })).success).toBe(false);
  });

  it('requires a server address for a CUSTOM mailbox', () => {
    const result = mailboxProfileSchema.safeParse(profile({ environment: 'CUSTOM' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['customUrl']);
  });

  it('accepts a CUSTOM https address and drops a trailing slash', () => {
    const parsed = mailboxProfileSchema.parse(profile({ environment: 'CUSTOM', customUrl: 'https://mesh.example.nhs.uk/' }));
    expect(parsed.customUrl).toBe('https://mesh.example.nhs.uk');
  });

  it('rejects an environment that does not exist', () => {
    expect(mailboxProfileSchema.safeParse(profile({ environment: 'PROD' })).success).toBe(false);
  });

  it('rejects an id that is not a UUID', () => {
    expect(mailboxProfileSchema.safeParse(profile({ id: 'abc' })).success).toBe(false);
  });

  it('accepts both certificate kinds', () => {
    expect(
      mailboxProfileSchema.safeParse(profile({ certificate: { kind: 'pem', certFile: 'a', keyFile: 'b', keyEncrypted: true } })).success,
    ).toBe(true);
    expect(mailboxProfileSchema.safeParse(profile({ certificate: { kind: 'pfx', file: 'a.pfx' } })).success).toBe(true);
    expect(mailboxProfileSchema.safeParse(profile({ certificate: { kind: 'pem', certFile: 'a' } })).success).toBe(false);
    expect(mailboxProfileSchema.safeParse(profile({ certificate: { kind: 'der', file: 'a' } })).success).toBe(false);
  });
});

describe('meshUrlProblem', () => {
  it.each([
    'https://msg.intspineservices.nhs.uk',
    'https://localhost:8700',
    'http://localhost:8700',
    'http://127.0.0.1:5201',
    'http://[::1]:80',
  ])('accepts %s', (url) => expect(meshUrlProblem(url)).toBeUndefined());

  it.each([
    ['plain http to another computer', 'http://mesh.example.nhs.uk', /https:\/\//],
    ['an address with a password in it', 'https://user:secret@mesh.example.nhs.uk', /user name or password/],
    ['not an address', 'mesh.example', /not a web address/],
    ['a query string', 'https://mesh.example.nhs.uk/?x=1', /"\?" or "#"/],
    ['another scheme', 'ftp://mesh.example.nhs.uk', /https:\/\//],
  ])('rejects %s', (_label, url, message) => {
    expect(meshUrlProblem(url)).toMatch(message);
  });
});

describe('proxy settings', () => {
  it('needs an address for a manual proxy', () => {
    const result = proxySettingsSchema.safeParse({ mode: 'manual' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/proxy address/);
  });

  it('refuses a password inside the proxy address', () => {
    expect(proxyUrlProblem('http://bob:hunter2@proxy:8080')).toMatch(/keychain/);
  });

  it('accepts a manual proxy with a user name and exceptions', () => {
    expect(
      proxySettingsSchema.parse({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', username: 'bob', noProxy: 'localhost,.nhs.uk' }),
    ).toEqual({ mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', username: 'bob', noProxy: 'localhost,.nhs.uk' });
  });
});

describe('appSettingsSchema', () => {
  it('refuses the same mailbox twice in one environment', () => {
    const result = appSettingsSchema.safeParse({
      version: 1,
      mailboxes: [profile(), profile({ id: '0b6f3c0e-1111-4222-8333-444455556666', mailboxId: 'x26abc1' })],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/listed twice/);
  });

  it('allows the same mailbox ID in two environments', () => {
    const result = appSettingsSchema.safeParse({
      version: 1,
      mailboxes: [profile(), profile({ id: '0b6f3c0e-1111-4222-8333-444455556666', environment: 'LIVE' })],
    });
    expect(result.success).toBe(true);
  });

  it('refuses another settings version', () => {
    expect(appSettingsSchema.safeParse({ version: 2 }).success).toBe(false);
  });

  it.each([0, 9, 2.5])('refuses %s transfers at once', (count) => {
    expect(appSettingsSchema.safeParse({ version: 1, maxConcurrentTransfers: count }).success).toBe(false);
  });

  it('has nowhere to put a secret: unknown keys such as a password are dropped', () => {
    const parsed = appSettingsSchema.parse({ version: 1, proxy: { mode: 'system', password: 'hunter2' }, password: 'x' });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
    expect(JSON.stringify(parsed)).not.toContain('password');
  });
});

describe('mailboxIdentityKey', () => {
  it('ignores case of the mailbox ID and tells CUSTOM servers apart', () => {
    expect(mailboxIdentityKey({ environment: 'INT', mailboxId: 'x26abc1' })).toBe(
      mailboxIdentityKey({ environment: 'INT', mailboxId: 'X26ABC1' }),
    );
    expect(mailboxIdentityKey({ environment: 'CUSTOM', mailboxId: 'A1234', customUrl: 'https://a' })).not.toBe(
      mailboxIdentityKey({ environment: 'CUSTOM', mailboxId: 'A1234', customUrl: 'https://b' }),
    );
  });
});
