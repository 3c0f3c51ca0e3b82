import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_CLIENT_COMMON_NAME, createCa, createTestPki, issueCertificate, toPfx } from '../../support/pki';

describe('createCa', () => {
  it('makes a self-signed CA certificate whose key matches', () => {
    const ca = createCa({ commonName: 'Unit CA' });
    const x509 = new X509Certificate(ca.certPem);
    expect(x509.subject).toContain('CN=Unit CA');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.ca).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  it('honours the validity period it is given', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2031-01-01T00:00:00Z');
    const x509 = new X509Certificate(createCa({ notBefore, notAfter }).certPem);
    expect(new Date(x509.validFrom).toISOString()).toBe(notBefore.toISOString());
    expect(new Date(x509.validTo).toISOString()).toBe(notAfter.toISOString());
  });
});

describe('issueCertificate', () => {
  const ca = createCa();
  const caX509 = new X509Certificate(ca.certPem);

  it('signs a server certificate for localhost and 127.0.0.1 with serverAuth', () => {
    const server = issueCertificate(ca, { commonName: 'localhost', kind: 'server', altNames: ['mesh.test'] });
    const x509 = new X509Certificate(server.certPem);
    expect(x509.issuer).toBe(caX509.subject);
    expect(x509.verify(caX509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x509.subjectAltName).toContain('DNS:mesh.test');
    expect(x509.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('signs a client certificate with clientAuth and no default names', () => {
    const client = issueCertificate(ca, { commonName: TEST_CLIENT_COMMON_NAME, kind: 'client' });
    const x509 = new X509Certificate(client.certPem);
    expect(x509.subject).toBe(`CN=${TEST_CLIENT_COMMON_NAME}`);
    expect(x509.keyUsage).toContain('1.3.6.1.5.5.7.3.2');
    expect(x509.keyUsage).not.toContain('1.3.6.1.5.5.7.3.1');
    expect(x509.subjectAltName).toBeUndefined();
    expect(x509.verify(caX509.publicKey)).toBe(true);
  });

  it('puts the certificate and then the CA in the chain', () => {
    const client = issueCertificate(ca, { commonName: 'chain', kind: 'client' });
    expect(client.chainPem).toBe(client.certPem + ca.certPem);
  });

  it('encrypts the key with the passphrase when one is given', () => {
    const client = issueCertificate(ca, { commonName: 'locked', kind: 'client', keyPassphrase: 'secret words' });
    expect(client.keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(() => createPrivateKey(client.keyPem)).toThrow();
    const key = createPrivateKey({ key: client.keyPem, passphrase: 'secret words' });
    expect(new X509Certificate(client.certPem).checkPrivateKey(key)).toBe(true);
  });

  it('can issue an expired certificate', () => {
    const expired = issueCertificate(ca, {
      commonName: 'old',
      kind: 'client',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(new Date(new X509Certificate(expired.certPem).validTo).getTime()).toBeLessThan(Date.now());
  });

  it('gives every call its own serial number', () => {
    const a = new X509Certificate(issueCertificate(ca, { commonName: 'a', kind: 'client' }).certPem);
    const b = new X509Certificate(issueCertificate(ca, { commonName: 'a', kind: 'client' }).certPem);
    expect(a.serialNumber).not.toBe(b.serialNumber);
  });
});

describe('toPfx', () => {
  it('makes a bundle that node TLS loads with the passphrase and refuses without it', () => {
    const ca = createCa();
    const client = issueCertificate(ca, { commonName: 'pfx', kind: 'client' });
    const pfx = toPfx(client, ca, 'pfx pass');
    expect(() => createSecureContext({ pfx, passphrase: 'pfx pass' })).not.toThrow();
    expect(() => createSecureContext({ pfx, passphrase: 'wrong' })).toThrow();
  });
});

describe('createTestPki', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('issues the server and X26ABC1 client from one CA and the intruder from another', async () => {
    const pki = await createTestPki();
    const ca = new X509Certificate(pki.ca.certPem);
    const otherCa = new X509Certificate(pki.otherCa.certPem);
    expect(new X509Certificate(pki.server.certPem).verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(pki.client.certPem).verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(pki.client.certPem).subject).toBe(`CN=${TEST_CLIENT_COMMON_NAME}`);
    const intruder = new X509Certificate(pki.otherClient.certPem);
    expect(intruder.verify(otherCa.publicKey)).toBe(true);
    expect(intruder.verify(ca.publicKey)).toBe(false);
    expect(otherCa.subject).not.toBe(ca.subject);
  });

  it('returns distinct certificates on every call', async () => {
    const [first, second] = await Promise.all([createTestPki(), createTestPki()]);
    expect(first.ca.certPem).not.toBe(second.ca.certPem);
    expect(first.client.certPem).not.toBe(second.client.certPem);
  });

  it('writes the files when given a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pki-'));
    dirs.push(dir);
    const pki = await createTestPki(dir);
    expect(pki.files).toBeDefined();
    const files = pki.files!;
    expect(await readFile(files.caCert, 'utf8')).toBe(pki.ca.certPem);
    expect(await readFile(files.clientKey, 'utf8')).toBe(pki.client.keyPem);
    const pfx = await readFile(files.clientPfx);
    expect(() => createSecureContext({ pfx, passphrase: pki.pfxPassphrase })).not.toThrow();
  });
});
