import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultPolicyPath,
  findSecrets,
  isSecretKeyName,
  loadPolicy,
  lockedSettings,
  parsePolicy,
  type Policy,
} from '../../../main/settings/policy';

function reasonFor(value: unknown): string {
  const result = parsePolicy(JSON.stringify(value));
  if (!('reason' in result)) throw new Error('expected the policy to be rejected');
  return result.reason;
}

function policyFrom(value: unknown): Policy {
  const result = parsePolicy(JSON.stringify(value));
  if (!('policy' in result)) throw new Error(`expected the policy to be accepted: ${result.reason}`);
  return result.policy;
}

describe('defaultPolicyPath', () => {
  it('uses %ProgramData% on Windows', () => {
    expect(defaultPolicyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\MESH Desktop\\policy.json');
  });

  it('falls back to C:\\ProgramData when the variable is missing', () => {
    expect(defaultPolicyPath('win32', {})).toBe('C:\\ProgramData\\MESH Desktop\\policy.json');
  });

  it('uses /etc on Linux and /Library on macOS', () => {
    expect(defaultPolicyPath('linux', {})).toBe('/etc/mesh-desktop/policy.json');
    expect(defaultPolicyPath('darwin', {})).toBe('/Library/Application Support/MESH Desktop/policy.json');
  });

  it('has no environment variable of its own that moves the file', () => {
    const env = { MESH_DESKTOP_POLICY: '/tmp/mine.json', MESH_DESKTOP_POLICY_PATH: '/tmp/mine.json' };
    expect(defaultPolicyPath('linux', env)).toBe('/etc/mesh-desktop/policy.json');
    expect(defaultPolicyPath('darwin', env)).toBe('/Library/Application Support/MESH Desktop/policy.json');
  });
});

describe('parsePolicy', () => {
  it('accepts an empty policy', () => {
    expect(policyFrom({})).toEqual({});
  });

  it('accepts every documented setting', () => {
    const policy = policyFrom({
      environments: { INT: 'https://int.example.nhs.uk/', LIVE: 'https://live.example.nhs.uk' },
      allowedEnvironments: ['INT', 'LIVE'],
      proxy: { mode: 'manual', url: 'http://proxy.trust.nhs.uk:8080', noProxy: '.nhs.uk' },
      extraCaFiles: ['C:\\certs\\trust-ca.pem'],
      defaultDownloadFolder: 'H:\\MESH',
      minimumPollIntervalMinutes: 15,
      updates: { enabled: false },
      mailboxes: [{ environment: 'LIVE', mailboxId: 'x26abc1', displayName: 'Pathology', acknowledge: 'manual' }],
      lock: ['proxy', 'pollInterval'],
    });
    expect(policy.environments?.INT).toBe('https://int.example.nhs.uk');
    expect(policy.mailboxes?.[0]?.mailboxId).toBe('X26ABC1');
  });

  it('names unknown keys at the top level', () => {
    const reason = reasonFor({ proxxy: {}, updatez: true });
    expect(reason).toContain('"proxxy"');
    expect(reason).toContain('"updatez"');
    expect(reason).toContain('at the top level');
  });

  it('names unknown keys inside a section', () => {
    expect(reasonFor({ proxy: { mode: 'system', bypass: 'x' } })).toMatch(/"bypass" inside proxy/);
    expect(reasonFor({ mailboxes: [{ environment: 'INT', mailboxId: 'X26ABC1', displayName: 'A', colour: 'red' }] })).toMatch(
      /"colour" inside mailboxes\[0\]/,
    );
    expect(reasonFor({ environments: { PROD: 'https://x.nhs.uk' } })).toMatch(/"PROD" inside environments/);
  });

  it.each([
    [
      'a mailbox password',
      { mailboxes: [{ environment: 'INT', mailboxId: 'X26ABC1', displayName: 'A', password: 'p' }] },
      'mailboxes[0].password',
    ],
    ['a proxy password', { proxy: { mode: 'manual', url: 'http://p:1', proxyPassword: 'p' } }, 'proxy.proxyPassword'],
    ['a passphrase', { passphrase: 'p' }, 'passphrase'],
    ['a shared secret', { environments: { sharedSecret: 'x' } }, 'environments.sharedSecret'],
    ['a shared key', { shared_key: 'x' }, 'shared_key'],
    ['a private key in a value', { defaultDownloadFolder: '-----BEGIN PRIVATE KEY-----\nMIIE' }, 'defaultDownloadFolder'],
    ['an encrypted private key', { extraCaFiles: ['-----BEGIN ENCRYPTED PRIVATE KEY-----'] }, 'extraCaFiles[0]'],
  ])('rejects %s and says where it is', (_label, value, where) => {
    const reason = reasonFor(value);
    expect(reason).toMatch(/password, passphrase or key/);
    expect(reason).toContain(where);
    expect(reason).toMatch(/must never be put in it/);
  });

  it('does not take ordinary words for secrets', () => {
    for (const key of ['proxy', 'mailboxes', 'noProxy', 'displayName', 'username', 'lock', 'updates']) {
      expect(isSecretKeyName(key)).toBe(false);
    }
    expect(findSecrets({ displayName: 'Password reset team', extraCaFiles: ['-----BEGIN CERTIFICATE-----'] })).toEqual([]);
  });

  it('reports invalid JSON', () => {
    const result = parsePolicy('{ "proxy": ');
    expect('reason' in result && result.reason).toMatch(/not valid JSON/);
  });

  it('reads a file saved with a byte-order mark', () => {
    expect(parsePolicy('\uFEFF{"updates":{"enabled":false}}')).toEqual({ policy: { updates: { enabled: false } } });
  });

  it('refuses a poll floor below MESH minimum', () => {
    expect(reasonFor({ minimumPollIntervalMinutes: 2 })).toMatch(/minimumPollIntervalMinutes/);
  });

  it('refuses lock entries it does not know', () => {
    expect(reasonFor({ lock: ['proxy', 'colour'] })).toMatch(/lock\[1\]: lock may only list/);
  });

  it('refuses a CUSTOM policy mailbox and duplicate mailboxes', () => {
    expect(reasonFor({ mailboxes: [{ environment: 'CUSTOM', mailboxId: 'X26ABC1', displayName: 'A' }] })).toMatch(
      /INT, DEP, LIVE or TRAINING/,
    );
    const twice = { environment: 'INT', mailboxId: 'X26ABC1', displayName: 'A' };
    expect(reasonFor({ mailboxes: [twice, { ...twice, mailboxId: 'x26abc1' }] })).toMatch(/listed twice/);
  });

  it('refuses plain http server addresses and an empty allowed list', () => {
    expect(reasonFor({ environments: { LIVE: 'http://mesh.example.nhs.uk' } })).toMatch(/environments.LIVE/);
    expect(reasonFor({ allowedEnvironments: [] })).toMatch(/at least one/);
  });
});

describe('lockedSettings', () => {
  it('locks everything the policy sets when there is no lock list', () => {
    const locks = lockedSettings(
      policyFrom({
        proxy: { mode: 'none' },
        extraCaFiles: ['a.pem'],
        defaultDownloadFolder: 'H:\\MESH',
        updates: { enabled: false },
        mailboxes: [{ environment: 'INT', mailboxId: 'X26ABC1', displayName: 'A' }],
        minimumPollIntervalMinutes: 15,
      }),
    );
    expect([...locks].sort()).toEqual(['defaultDownloadFolder', 'extraCaFiles', 'mailboxes', 'proxy', 'updates']);
  });

  it('locks nothing for an empty policy', () => {
    expect(lockedSettings({}).size).toBe(0);
  });

  it('with a lock list, locks exactly what is listed', () => {
    const locks = lockedSettings(policyFrom({ proxy: { mode: 'none' }, defaultDownloadFolder: 'H:\\MESH', lock: ['proxy', 'updates'] }));
    expect([...locks].sort()).toEqual(['proxy', 'updates']);
  });
});

describe('loadPolicy', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'mesh-policy-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('treats a missing file as no policy', async () => {
    expect(await loadPolicy(path.join(folder, 'policy.json'))).toEqual({ status: 'absent', path: path.join(folder, 'policy.json') });
  });

  it('treats a missing folder as no policy', async () => {
    const result = await loadPolicy(path.join(folder, 'nope', 'policy.json'));
    expect(result.status).toBe('absent');
  });

  it('loads a good file', async () => {
    const file = path.join(folder, 'policy.json');
    await writeFile(file, JSON.stringify({ minimumPollIntervalMinutes: 15 }));
    expect(await loadPolicy(file)).toEqual({ status: 'ok', path: file, policy: { minimumPollIntervalMinutes: 15 } });
  });

  it('reports a broken file with a policy-invalid error naming the file', async () => {
    const file = path.join(folder, 'policy.json');
    await writeFile(file, JSON.stringify({ proxxy: 1 }));
    const result = await loadPolicy(file);
    expect(result.status).toBe('broken');
    if (result.status !== 'broken') return;
    expect(result.problem.reason).toContain('"proxxy"');
    expect(result.problem.error.code).toBe('policy-invalid');
    expect(result.problem.error.message).toContain(file);
    expect(result.problem.error.message).toMatch(/will not connect/);
  });

  it('reports a folder where the file should be', async () => {
    const file = path.join(folder, 'policy.json');
    await mkdir(file);
    const result = await loadPolicy(file);
    expect(result.status === 'broken' && result.problem.reason).toMatch(/folder/);
  });

  it('reports a file too large to be a policy', async () => {
    const file = path.join(folder, 'policy.json');
    await writeFile(file, `{"defaultDownloadFolder": "${'a'.repeat(1024 * 1024)}"}`);
    const result = await loadPolicy(file);
    expect(result.status === 'broken' && result.problem.reason).toMatch(/larger than 1 MiB/);
  });
});
