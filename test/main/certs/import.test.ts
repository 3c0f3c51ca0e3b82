/**
 * Needs a real keychain for passphrases:
 * `node scripts/with-keyring.mjs npx vitest run test/main/certs --project main`.
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { certificateFolder, importCertificate, removeImportedCertificate } from '../../../main/certs/import';
import { inspectCertificate } from '../../../main/certs/inspect';
import { SecretStore } from '../../../main/secrets/keychain';
import { AppError } from '../../../main/shared/errors';
import { issueCertificate, type TestCa } from '../../support/pki';
import { createCa, DAY, writeClient, writeForgePfx, writeOpensslPfx, type PemFiles } from './fixtures';

const secrets = new SecretStore({ service: `MESH Desktop test ${randomUUID()}` });
let sourceDir: string;
let dataDir: string;
let profileId: string;
let intCa: TestCa;
let plain: PemFiles;
let encrypted: PemFiles;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function mode(file: string): Promise<number> {
  return (await stat(file)).mode & 0o777;
}

const posix = process.platform !== 'win32';

beforeAll(async () => {
  sourceDir = await mkdtemp(path.join(tmpdir(), 'mesh-import-src-'));
  intCa = createCa({ commonName: 'NHS INT Authentication G2' });
  plain = await writeClient(sourceDir, 'plain', intCa);
  encrypted = await writeClient(sourceDir, 'encrypted', intCa, { keyPassphrase: 'key-passphrase' });
});

afterAll(async () => {
  await rm(sourceDir, { recursive: true, force: true });
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'mesh-import-data-'));
  profileId = randomUUID();
});

afterEach(async () => {
  await secrets.deleteAllFor(profileId);
  await rm(dataDir, { recursive: true, force: true });
});

describe('importing a PEM certificate and key', () => {
  it('copies both into the profile folder, owner-only, and returns the profile value', async () => {
    const { certificate, info } = await importCertificate({
      dataDir,
      profileId,
      secrets,
      environment: 'INT',
      input: { kind: 'pem', certFile: plain.certFile, keyFile: plain.keyFile },
    });
    const folder = path.join(dataDir, 'certificates', profileId);
    expect(certificate).toEqual({
      kind: 'pem',
      certFile: path.join(folder, 'certificate.pem'),
      keyFile: path.join(folder, 'private-key.pem'),
      keyEncrypted: false,
    });
    expect(info.subject.commonName).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    expect((await readdir(folder)).sort()).toEqual(['certificate.pem', 'private-key.pem']);
    expect(new X509Certificate(await readFile(certificate.kind === 'pem' ? certificate.certFile : '')).fingerprint256).toBe(
      new X509Certificate(plain.certificate.certPem).fingerprint256,
    );
    expect((await readFile(path.join(folder, 'private-key.pem'), 'utf8')).trim()).toBe(plain.certificate.keyPem.trim());
    if (posix) {
      expect(await mode(folder)).toBe(0o700);
      expect(await mode(path.join(dataDir, 'certificates'))).toBe(0o700);
      expect(await mode(path.join(folder, 'certificate.pem'))).toBe(0o600);
      expect(await mode(path.join(folder, 'private-key.pem'))).toBe(0o600);
    }
    expect(await secrets.has({ kind: 'certificate-passphrase', profileId })).toBe(false);
  });

  it('keeps an encrypted key encrypted and its passphrase only in the keychain', async () => {
    const { certificate } = await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pem', certFile: encrypted.certFile, keyFile: encrypted.keyFile, passphrase: 'key-passphrase' },
    });
    expect(certificate).toMatchObject({ kind: 'pem', keyEncrypted: true });
    const keyText = await readFile(path.join(certificateFolder(dataDir, profileId), 'private-key.pem'), 'utf8');
    expect(keyText).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId })).toBe('key-passphrase');
    for (const name of await readdir(certificateFolder(dataDir, profileId))) {
      expect(await readFile(path.join(certificateFolder(dataDir, profileId), name), 'utf8')).not.toContain('key-passphrase');
    }
  });

  it('is usable by a real TLS server that asks for a client certificate', async () => {
    const { certificate } = await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pem', certFile: encrypted.certFile, keyFile: encrypted.keyFile, passphrase: 'key-passphrase' },
    });
    if (certificate.kind !== 'pem') throw new Error('expected pem');
    const serverCertificate = issueCertificate(intCa, { commonName: 'localhost', kind: 'server' });
    const server = createServer({
      cert: serverCertificate.certPem,
      key: serverCertificate.keyPem,
      ca: intCa.certPem,
      requestCert: true,
      rejectUnauthorized: true,
    });
    const seen = new Promise<string>((resolve, reject) => {
      server.on('secureConnection', (socket: TLSSocket) => {
        resolve(String(socket.getPeerCertificate().subject?.CN));
        socket.end();
      });
      server.on('tlsClientError', reject);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: intCa.certPem,
      cert: await readFile(certificate.certFile),
      key: await readFile(certificate.keyFile),
      passphrase: (await secrets.get({ kind: 'certificate-passphrase', profileId }))!,
    });
    const clientFailed = new Promise<never>((_resolve, reject) => client.on('error', reject));
    // A reset after the handshake is not this test's business; only a failure before it is.
    clientFailed.catch(() => undefined);
    try {
      expect(await Promise.race([seen, clientFailed])).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('importing a PFX', () => {
  it('copies the bundle byte for byte and keeps its passphrase in the keychain', async () => {
    const pfx = await writeOpensslPfx(sourceDir, `modern-${profileId}`, plain, 'pfx-pass');
    const { certificate } = await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pfx', file: pfx, passphrase: 'pfx-pass' },
    });
    const stored = path.join(certificateFolder(dataDir, profileId), 'certificate.pfx');
    expect(certificate).toEqual({ kind: 'pfx', file: stored });
    expect((await readFile(stored)).equals(await readFile(pfx))).toBe(true);
    if (posix) expect(await mode(stored)).toBe(0o600);
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId })).toBe('pfx-pass');
  });

  it('re-packages an old RC2 bundle so Node and Electron can use it', async () => {
    const { createSecureContext } = await import('node:tls');
    const legacy = await writeOpensslPfx(sourceDir, `legacy-${profileId}`, plain, 'pfx-pass', true);
    // OpenSSL 3 inside Node refuses RC2 bundles as they are.
    expect(() => createSecureContext({ pfx: readFileSync(legacy), passphrase: 'pfx-pass' })).toThrow();
    const { certificate } = await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pfx', file: legacy, passphrase: 'pfx-pass' },
    });
    if (certificate.kind !== 'pfx') throw new Error('expected pfx');
    expect(() => createSecureContext({ pfx: readFileSync(certificate.file), passphrase: 'pfx-pass' })).not.toThrow();
    const again = await inspectCertificate({ kind: 'pfx', file: certificate.file, passphrase: 'pfx-pass' });
    expect(again.fingerprintSha256).toBe(new X509Certificate(plain.certificate.certPem).fingerprint256);
    expect(again.keyMatches).toBe(true);
  });

  it('replaces an earlier PEM import completely', async () => {
    await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pem', certFile: encrypted.certFile, keyFile: encrypted.keyFile, passphrase: 'key-passphrase' },
    });
    const pfx = await writeForgePfx(sourceDir, `forge-${profileId}`, plain.certificate, intCa, 'new-pass');
    await importCertificate({ dataDir, profileId, secrets, input: { kind: 'pfx', file: pfx, passphrase: 'new-pass' } });
    expect(await readdir(certificateFolder(dataDir, profileId))).toEqual(['certificate.pfx']);
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId })).toBe('new-pass');
  });

  it('forgets an old passphrase when the new key has none', async () => {
    await secrets.set({ kind: 'certificate-passphrase', profileId }, 'stale');
    await importCertificate({ dataDir, profileId, secrets, input: { kind: 'pem', certFile: plain.certFile, keyFile: plain.keyFile } });
    expect(await secrets.has({ kind: 'certificate-passphrase', profileId })).toBe(false);
  });
});

describe('refusing an import', () => {
  it.each([
    ['an expired certificate', 'client-certificate-expired'],
    ['a certificate from the wrong CA', 'client-certificate-wrong-issuer'],
    ['a wrong passphrase', 'certificate-passphrase-wrong'],
  ])('%s leaves nothing behind', async (label, code) => {
    await secrets.set({ kind: 'certificate-passphrase', profileId }, 'earlier');
    let input;
    if (label.includes('expired')) {
      const expired = await writeClient(sourceDir, `expired-${profileId}`, intCa, {
        notBefore: new Date(Date.now() - 100 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      input = { kind: 'pem' as const, certFile: expired.certFile, keyFile: expired.keyFile };
    } else if (label.includes('wrong CA')) {
      const stranger = await writeClient(sourceDir, `stranger-${profileId}`, createCa({ commonName: 'Some Other CA' }));
      input = { kind: 'pem' as const, certFile: stranger.certFile, keyFile: stranger.keyFile };
    } else {
      input = { kind: 'pem' as const, certFile: encrypted.certFile, keyFile: encrypted.keyFile, passphrase: 'nope' };
    }
    const error = await failure(importCertificate({ dataDir, profileId, secrets, environment: 'INT', input }));
    expect(error.code).toBe(code);
    expect(await readdir(dataDir)).toEqual([]);
    expect(await secrets.get({ kind: 'certificate-passphrase', profileId })).toBe('earlier');
  });

  it('refuses a profile id that could escape the folder', async () => {
    const error = await failure(
      importCertificate({
        dataDir,
        profileId: '../../etc',
        secrets,
        input: { kind: 'pem', certFile: plain.certFile, keyFile: plain.keyFile },
      }),
    );
    expect(error.code).toBe('invalid-argument');
  });
});

describe('removeImportedCertificate', () => {
  it('deletes the files and the passphrase', async () => {
    await importCertificate({
      dataDir,
      profileId,
      secrets,
      input: { kind: 'pem', certFile: encrypted.certFile, keyFile: encrypted.keyFile, passphrase: 'key-passphrase' },
    });
    await removeImportedCertificate(dataDir, profileId, secrets);
    expect(await readdir(path.join(dataDir, 'certificates'))).toEqual([]);
    expect(await secrets.has({ kind: 'certificate-passphrase', profileId })).toBe(false);
  });
});
