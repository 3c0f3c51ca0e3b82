/**
 * Runs against a real keychain: `node scripts/with-keyring.mjs npx vitest run test/main/secrets --project main`.
 * Each test file uses its own service name so it never touches real MESH Desktop entries.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KEYCHAIN_SERVICE,
  MAX_SECRET_BYTES,
  SecretStore,
  secretAccountName,
  secretValueProblem,
  type SecretRef,
} from '../../../main/secrets/keychain';
import { AppError } from '../../../main/shared/errors';

const run = promisify(execFile);
const service = `MESH Desktop test ${randomUUID()}`;
const secrets = new SecretStore({ service });
const profileA = randomUUID();
const profileB = randomUUID();

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const everyKind: Array<[string, SecretRef]> = [
  ['mailbox password', { kind: 'mailbox-password', profileId: profileA }],
  ['certificate passphrase', { kind: 'certificate-passphrase', profileId: profileA }],
  ['environment shared secret', { kind: 'environment-shared-secret', environment: 'INT' }],
  ['proxy password', { kind: 'proxy-password' }],
];

afterAll(async () => {
  for (const [, ref] of everyKind) await secrets.delete(ref);
  await secrets.deleteAllFor(profileB);
});

describe('account names', () => {
  it('follow the documented scheme', () => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(secretAccountName({ kind: 'mailbox-password', profileId: id })).toBe(`mailbox-password/${id}`);
    expect(secretAccountName({ kind: 'certificate-passphrase', profileId: id.toUpperCase() })).toBe(`certificate-passphrase/${id}`);
    expect(secretAccountName({ kind: 'environment-shared-secret', environment: 'LIVE' })).toBe('environment-shared-secret/LIVE');
    expect(secretAccountName({ kind: 'proxy-password' })).toBe('proxy-password');
  });

  it('refuse a profile id that is not a UUID', () => {
    expect(() => secretAccountName({ kind: 'mailbox-password', profileId: '../other' })).toThrow(AppError);
    expect(() => secretAccountName({ kind: 'environment-shared-secret', environment: 'PROD' as 'LIVE' })).toThrow(AppError);
  });

  it('the service is called MESH Desktop', () => {
    expect(KEYCHAIN_SERVICE).toBe('MESH Desktop');
    expect(new SecretStore().service).toBe('MESH Desktop');
  });
});

describe('round trips in the real keychain', () => {
  it.each(everyKind)('%s: set, get, has, replace, delete', async (_label, ref) => {
    expect(await secrets.get(ref)).toBeUndefined();
    expect(await secrets.has(ref)).toBe(false);
    await secrets.set(ref, 'first £ value');
    expect(await secrets.get(ref)).toBe('first £ value');
    expect(await secrets.has(ref)).toBe(true);
    await secrets.set(ref, 'second value');
    expect(await secrets.get(ref)).toBe('second value');
    expect(await secrets.delete(ref)).toBe(true);
    expect(await secrets.get(ref)).toBeUndefined();
    expect(await secrets.delete(ref)).toBe(false);
  });

  it('keeps kinds and profiles apart', async () => {
    await secrets.set({ kind: 'mailbox-password', profileId: profileA }, 'password A');
    await secrets.set({ kind: 'mailbox-password', profileId: profileB }, 'password B');
    await secrets.set({ kind: 'certificate-passphrase', profileId: profileA }, 'passphrase A');
    await secrets.set({ kind: 'environment-shared-secret', environment: 'LIVE' }, 'live secret');
    expect(await secrets.get({ kind: 'mailbox-password', profileId: profileA })).toBe('password A');
    expect(await secrets.get({ kind: 'mailbox-password', profileId: profileB })).toBe('password B');
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId: profileA })).toBe('passphrase A');
    expect(await secrets.get({ kind: 'environment-shared-secret', environment: 'INT' })).toBeUndefined();
    await secrets.delete({ kind: 'environment-shared-secret', environment: 'LIVE' });
  });

  it("deleteAllFor removes one profile's secrets and nothing else", async () => {
    await secrets.set({ kind: 'mailbox-password', profileId: profileA }, 'password A');
    await secrets.set({ kind: 'certificate-passphrase', profileId: profileA }, 'passphrase A');
    await secrets.set({ kind: 'mailbox-password', profileId: profileB }, 'password B');
    await secrets.set({ kind: 'proxy-password' }, 'proxy');
    await secrets.deleteAllFor(profileA);
    expect(await secrets.has({ kind: 'mailbox-password', profileId: profileA })).toBe(false);
    expect(await secrets.has({ kind: 'certificate-passphrase', profileId: profileA })).toBe(false);
    expect(await secrets.get({ kind: 'mailbox-password', profileId: profileB })).toBe('password B');
    expect(await secrets.get({ kind: 'proxy-password' })).toBe('proxy');
    await secrets.delete({ kind: 'proxy-password' });
  });
});

describe('what may be stored', () => {
  const ref: SecretRef = { kind: 'mailbox-password', profileId: profileB };

  it(`stores a secret of exactly ${MAX_SECRET_BYTES} bytes`, async () => {
    const value = 'p'.repeat(MAX_SECRET_BYTES);
    await secrets.set(ref, value);
    expect(await secrets.get(ref)).toBe(value);
  });

  it('refuses one byte more, leaving the old secret in place', async () => {
    await secrets.set(ref, 'kept');
    const error = await failure(secrets.set(ref, 'p'.repeat(MAX_SECRET_BYTES + 1)));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/too long to keep safely \(the limit is 2500 bytes\)/);
    expect(error.detail).not.toContain('ppp');
    expect(await secrets.get(ref)).toBe('kept');
  });

  it('counts bytes, not characters', () => {
    // 834 euro signs are 2,502 bytes in UTF-8.
    expect(secretValueProblem('€'.repeat(834))).toMatch(/too long/);
    expect(secretValueProblem('€'.repeat(833))).toBeUndefined();
  });

  it('refuses keys and certificates', async () => {
    const error = await failure(secrets.set(ref, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'));
    expect(error.message).toMatch(/looks like a key or certificate/);
    expect(secretValueProblem('-----BEGIN CERTIFICATE-----')).toMatch(/key or certificate/);
  });

  it('refuses an empty secret', async () => {
    expect((await failure(secrets.set(ref, ''))).code).toBe('invalid-argument');
  });
});

describe('when the keychain cannot be reached', () => {
  const bundleDir = path.join(process.cwd(), '.tmp', `keychain-test-${randomUUID()}`);
  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  // Only Linux reaches its keychain over D-Bus; Windows and macOS keychains cannot be cut off like this.
  it.runIf(process.platform === 'linux')('says keychain-unavailable with a sentence a person can act on', async () => {
    await mkdir(bundleDir, { recursive: true });
    const script = path.join(bundleDir, 'probe.mjs');
    await build({
      stdin: {
        contents: `import { SecretStore } from ${JSON.stringify(path.resolve('main/secrets/keychain.ts'))};
          const store = new SecretStore({ service: 'MESH Desktop unreachable test' });
          try { await store.get({ kind: 'proxy-password' }); console.log(JSON.stringify({ ok: true })); }
          catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message, transient: error.transient })); }`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: script,
      logLevel: 'silent',
    });
    // A session bus address that leads nowhere: what a locked-down or broken desktop looks like.
    const { stdout } = await run(process.execPath, [script], {
      cwd: process.cwd(),
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/mesh-desktop-test-bus' },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.code).toBe('keychain-unavailable');
    expect(result.transient).toBe(true);
    expect(result.message).toMatch(
      /^MESH Desktop could not use the system keyring \(Secret Service\), where it keeps your passwords safe\./,
    );
  });
});
