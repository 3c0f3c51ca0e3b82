/**
 * Test certificates made at test time: a CA, server and client certificates
 * signed by it, and PKCS#12 bundles, so TLS tests use real chains and never
 * checked-in keys.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

export interface TestCa {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface TestCertificate {
  certPem: string;
  /** PKCS#8; encrypted when a keyPassphrase was given. */
  keyPem: string;
  /** This certificate followed by its CA's. */
  chainPem: string;
  cert: forge.pki.Certificate;
  /** Unencrypted PKCS#8, for building PKCS#12 bundles. */
  plainKeyPem: string;
}

export interface IssueOptions {
  commonName: string;
  kind: 'server' | 'client';
  /** DNS names or IP addresses. Server certificates always get localhost and 127.0.0.1 too. */
  altNames?: string[];
  notBefore?: Date;
  notAfter?: Date;
  keyPassphrase?: string;
}

interface PooledKey {
  nodeKey: KeyObject;
  pkcs8Pem: string;
  forgePrivate: forge.pki.rsa.PrivateKey;
  forgePublic: forge.pki.rsa.PublicKey;
}

// RSA key generation costs ~100 ms a key; a small round-robin pool keeps the
// suite fast while five consecutive certificates (one createTestPki) never
// share a key, so a "wrong CA" really is a different key.
const KEY_POOL_SIZE = 8;
const keyPool: PooledKey[] = [];
let nextKeyIndex = 0;

function takeKey(): PooledKey {
  const index = nextKeyIndex;
  nextKeyIndex = (nextKeyIndex + 1) % KEY_POOL_SIZE;
  let key = keyPool[index];
  if (!key) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8Pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forgePrivate = forge.pki.privateKeyFromPem(pkcs8Pem) as forge.pki.rsa.PrivateKey;
    const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
    key = { nodeKey: privateKey, pkcs8Pem, forgePrivate, forgePublic };
    keyPool[index] = key;
  }
  return key;
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  // A leading zero bit keeps the DER integer positive.
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function defaultNotBefore(): Date {
  return new Date(Date.now() - 60 * 60 * 1000);
}

function defaultNotAfter(): Date {
  return new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
}

/** A self-signed certificate authority with a fresh serial number. */
export function createCa(options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {}): TestCa {
  const key = takeKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = options.notBefore ?? defaultNotBefore();
  cert.validity.notAfter = options.notAfter ?? defaultNotAfter();
  const subject = [
    { name: 'commonName', value: options.commonName ?? 'MESH Desktop Test CA' },
    { name: 'organizationName', value: 'MESH Desktop tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgePrivate, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.pkcs8Pem, cert, key: key.forgePrivate };
}

/** Subject alternative names in forge's form: IPs as type 7, names as type 2. */
export function altNameEntries(names: readonly string[]): Array<{ type: number; value?: string; ip?: string }> {
  return names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
}

/** A server or client certificate signed by `ca`. */
export function issueCertificate(ca: TestCa, options: IssueOptions): TestCertificate {
  const key = takeKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = options.notBefore ?? defaultNotBefore();
  cert.validity.notAfter = options.notAfter ?? defaultNotAfter();
  cert.setSubject([{ name: 'commonName', value: options.commonName }]);
  cert.setIssuer(ca.cert.subject.attributes);

  const names = [...(options.kind === 'server' ? ['localhost', '127.0.0.1'] : []), ...(options.altNames ?? [])];
  const uniqueNames = [...new Set(names)];
  const caKeyId = ca.cert.generateSubjectKeyIdentifier().getBytes();
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    options.kind === 'server' ? { name: 'extKeyUsage', serverAuth: true } : { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId },
  ];
  if (uniqueNames.length > 0) extensions.push({ name: 'subjectAltName', altNames: altNameEntries(uniqueNames) });
  cert.setExtensions(extensions);
  cert.sign(ca.key, forge.md.sha256.create());

  const certPem = forge.pki.certificateToPem(cert);
  const keyPem =
    options.keyPassphrase === undefined
      ? key.pkcs8Pem
      : createPrivateKey(key.pkcs8Pem)
          .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: options.keyPassphrase })
          .toString();
  return { certPem, keyPem, chainPem: certPem + ca.certPem, cert, plainKeyPem: key.pkcs8Pem };
}

/** A PKCS#12 bundle (key, certificate, CA) protected with 3DES, which Windows and OpenSSL 3 both read. */
export function toPfx(certificate: TestCertificate, ca: TestCa, passphrase: string): Buffer {
  const privateKey = forge.pki.privateKeyFromPem(certificate.plainKeyPem);
  const asn1 = forge.pkcs12.toPkcs12Asn1(privateKey, [certificate.cert, ca.cert], passphrase, {
    algorithm: '3des',
    friendlyName: certificate.cert.subject.getField('CN')?.value ?? 'client',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** Paths of the PEM/PFX files createTestPki writes when given a folder. */
export interface TestPkiFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  clientChain: string;
  clientPfx: string;
  otherCaCert: string;
  otherClientCert: string;
  otherClientKey: string;
}

export interface TestPki {
  ca: TestCa;
  server: TestCertificate;
  /** Client certificate for mailbox X26ABC1, signed by `ca`. */
  client: TestCertificate;
  /** An unrelated CA and a client certificate it signed: the server must refuse it. */
  otherCa: TestCa;
  otherClient: TestCertificate;
  /** Passphrase of files.clientPfx. */
  pfxPassphrase: string;
  files?: TestPkiFiles;
}

/** Client certificate common name in NHS's convention: `<local id>.<ODS>.api.mesh-client.nhs.uk`. */
export const TEST_CLIENT_COMMON_NAME = 'SERVER001.X26.api.mesh-client.nhs.uk';

/** A complete test PKI; with `dir`, also written there as PEM and PFX files. */
export async function createTestPki(dir?: string): Promise<TestPki> {
  const ca = createCa({ commonName: 'MESH Desktop Test CA' });
  const server = issueCertificate(ca, { commonName: 'localhost', kind: 'server' });
  const client = issueCertificate(ca, { commonName: TEST_CLIENT_COMMON_NAME, kind: 'client' });
  const otherCa = createCa({ commonName: 'Unrelated Test CA' });
  const otherClient = issueCertificate(otherCa, { commonName: 'INTRUDER.X99.api.mesh-client.nhs.uk', kind: 'client' });
  const pfxPassphrase = 'pfx-passphrase';
  const pki: TestPki = { ca, server, client, otherCa, otherClient, pfxPassphrase };
  if (dir === undefined) return pki;

  await mkdir(dir, { recursive: true });
  const files: TestPkiFiles = {
    caCert: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client.key'),
    clientChain: join(dir, 'client-chain.pem'),
    clientPfx: join(dir, 'client.pfx'),
    otherCaCert: join(dir, 'other-ca.pem'),
    otherClientCert: join(dir, 'other-client.pem'),
    otherClientKey: join(dir, 'other-client.key'),
  };
  await Promise.all([
    writeFile(files.caCert, ca.certPem),
    writeFile(files.serverCert, server.certPem),
    writeFile(files.serverKey, server.keyPem, { mode: 0o600 }),
    writeFile(files.clientCert, client.certPem),
    writeFile(files.clientKey, client.keyPem, { mode: 0o600 }),
    writeFile(files.clientChain, client.chainPem),
    writeFile(files.clientPfx, toPfx(client, ca, pfxPassphrase), { mode: 0o600 }),
    writeFile(files.otherCaCert, otherCa.certPem),
    writeFile(files.otherClientCert, otherClient.certPem),
    writeFile(files.otherClientKey, otherClient.keyPem, { mode: 0o600 }),
  ]);
  return { ...pki, files };
}

/**
 * A wrong passphrase for an encrypted PEM key that gets past the decryption's padding check, as about one in 256
 * do: the key then fails to decode as garbage ("unsupported") rather than as "bad decrypt". Found by trying.
 */
export function passphrasePastThePaddingCheck(keyPem: string): string {
  for (let i = 0; i < 20_000; i++) {
    const candidate = `wrong-${i}`;
    try {
      createPrivateKey({ key: keyPem, format: 'pem', passphrase: candidate });
    } catch (error) {
      if (!/bad decrypt/i.test(String(error))) return candidate;
    }
  }
  throw new Error('no wrong passphrase got past the padding check in 20,000 tries');
}
