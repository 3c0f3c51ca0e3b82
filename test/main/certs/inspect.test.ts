import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertCertificateUsable,
  certificateProblem,
  chainReachesAnchor,
  inspectCertificate,
  parseDistinguishedName,
  type CertificateInfo,
} from '../../../main/certs/inspect';
import { AppError } from '../../../main/shared/errors';
import { passphrasePastThePaddingCheck, type TestCa } from '../../support/pki';
import { createCa, DAY, writeClient, writeForgePfx, writeOpensslPfx, type PemFiles } from './fixtures';

let dir: string;
let intCa: TestCa;
let otherCa: TestCa;
let good: PemFiles;

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function problemCode(info: CertificateInfo, environment?: 'INT' | 'LIVE' | 'CUSTOM'): string | undefined {
  return certificateProblem(info, environment ? { environment } : {})?.code;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mesh-certs-'));
  intCa = createCa({ commonName: 'NHS INT Authentication G2' });
  otherCa = createCa({ commonName: 'Some Other CA' });
  good = await writeClient(dir, 'good', intCa);
  await writeFile(path.join(dir, 'int-ca.pem'), intCa.certPem);
  await writeFile(path.join(dir, 'other-ca.pem'), otherCa.certPem);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a good PEM certificate and key', () => {
  it('is described in plain words', async () => {
    const info = await inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.keyFile });
    const expected = new X509Certificate(good.certificate.certPem);
    expect(info.subject.commonName).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    expect(info.subject.distinguishedName).toBe('CN=SERVER001.X26.api.mesh-client.nhs.uk');
    expect(info.subject.plainWords).toBe('Common name: SERVER001.X26.api.mesh-client.nhs.uk');
    expect(info.issuer.commonName).toBe('NHS INT Authentication G2');
    // The test CA lists CN before O, so RFC 4514 order (last first) puts O first.
    expect(info.issuer.distinguishedName).toBe('O=MESH Desktop tests, CN=NHS INT Authentication G2');
    expect(info.serialNumber).toBe(expected.serialNumber.toUpperCase());
    expect(info.fingerprintSha256).toBe(expected.fingerprint256);
    expect(info.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.notAfter.getTime()).toBe(new Date(expected.validTo).getTime());
    expect(info).toMatchObject({ keyMatches: true, keyEncrypted: false, status: 'valid' });
    expect(info.daysUntilExpiry).toBeGreaterThan(360);
    expect(info.chainTrusted).toBeUndefined();
  });

  it('passes the checks for INT', async () => {
    const info = await inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.keyFile });
    expect(() => assertCertificateUsable(info, { environment: 'INT' })).not.toThrow();
  });

  it('reads a DER certificate too', async () => {
    const derFile = path.join(dir, 'good.cer');
    await writeFile(derFile, new X509Certificate(good.certificate.certPem).raw);
    const info = await inspectCertificate({ kind: 'pem', certFile: derFile, keyFile: good.keyFile });
    expect(info.keyMatches).toBe(true);
  });

  it('finds the client certificate in a chain file whatever the order', async () => {
    const chainFile = path.join(dir, 'ca-first-chain.pem');
    await writeFile(chainFile, intCa.certPem + good.certificate.certPem);
    const info = await inspectCertificate({ kind: 'pem', certFile: chainFile, keyFile: good.keyFile });
    expect(info.subject.commonName).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    expect(info.keyMatches).toBe(true);
  });
});

describe('the chain', () => {
  it('is trusted when the CA file holds its issuer', async () => {
    const info = await inspectCertificate(
      { kind: 'pem', certFile: good.certFile, keyFile: good.keyFile },
      { caFiles: [path.join(dir, 'int-ca.pem')] },
    );
    expect(info.chainTrusted).toBe(true);
  });

  it('is not trusted against another CA, and that blocks it', async () => {
    const info = await inspectCertificate(
      { kind: 'pem', certFile: good.certFile, keyFile: good.keyFile },
      { caFiles: [path.join(dir, 'other-ca.pem')] },
    );
    expect(info.chainTrusted).toBe(false);
    expect(problemCode(info)).toBe('client-certificate-wrong-issuer');
    expect(certificateProblem(info)?.message).toMatch(/not one of the certificate authorities this mailbox trusts/);
  });

  it('is not fooled by a CA with the same name but another key', async () => {
    const impostor = createCa({ commonName: 'NHS INT Authentication G2' });
    const impostorFile = path.join(dir, 'impostor-ca.pem');
    await writeFile(impostorFile, impostor.certPem);
    const info = await inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.keyFile }, { caFiles: [impostorFile] });
    expect(info.chainTrusted).toBe(false);
  });

  it('reaches a root through an intermediate', () => {
    const root = createCa({ commonName: 'Root' });
    const leafCa = createCa({ commonName: 'Leaf CA' });
    const leaf = new X509Certificate(good.certificate.certPem);
    expect(chainReachesAnchor(leaf, [], [new X509Certificate(intCa.certPem)])).toBe(true);
    expect(chainReachesAnchor(leaf, [new X509Certificate(intCa.certPem)], [new X509Certificate(root.certPem)])).toBe(false);
    expect(chainReachesAnchor(leaf, [new X509Certificate(leafCa.certPem)], [new X509Certificate(root.certPem)])).toBe(false);
    expect(chainReachesAnchor(leaf, [], [leaf])).toBe(true);
  });

  it('refuses a CA file with no certificates in it', async () => {
    const empty = path.join(dir, 'empty-ca.pem');
    await writeFile(empty, 'nothing here');
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.keyFile }, { caFiles: [empty] }));
    expect(error.code).toBe('certificate-unreadable');
    expect(error.message).toContain(empty);
  });
});

describe('certificates MESH would refuse', () => {
  it('expired: status expired and blocked', async () => {
    const files = await writeClient(dir, 'expired', intCa, {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - 2 * DAY),
    });
    const info = await inspectCertificate({ kind: 'pem', ...files });
    expect(info.status).toBe('expired');
    expect(info.daysUntilExpiry).toBeLessThan(0);
    const error = certificateProblem(info);
    expect(error?.code).toBe('client-certificate-expired');
    expect(error?.message).toMatch(/^This certificate expired on \d{1,2} \w+ \d{4}, so MESH will refuse it/);
    expect(() => assertCertificateUsable(info)).toThrow(AppError);
  });

  it('expiring within 30 days: allowed, but status says so', async () => {
    const now = new Date();
    const files = await writeClient(dir, 'expiring', intCa, { notAfter: new Date(now.getTime() + 10.5 * DAY) });
    const info = await inspectCertificate({ kind: 'pem', ...files }, { now });
    expect(info.status).toBe('expiring-soon');
    expect(info.daysUntilExpiry).toBe(10);
    expect(problemCode(info, 'INT')).toBeUndefined();
  });

  it('not yet valid', async () => {
    const files = await writeClient(dir, 'future', intCa, {
      notBefore: new Date(Date.now() + 3 * DAY),
      notAfter: new Date(Date.now() + 400 * DAY),
    });
    const info = await inspectCertificate({ kind: 'pem', ...files });
    expect(info.status).toBe('not-yet-valid');
    expect(certificateProblem(info)?.code).toBe('client-certificate-not-yet-valid');
    expect(certificateProblem(info)?.message).toMatch(/only becomes valid on .* Check your computer's date and time/);
  });

  it('a key that belongs to another certificate', async () => {
    const other = await writeClient(dir, 'other', intCa);
    const info = await inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: other.keyFile });
    expect(info.keyMatches).toBe(false);
    expect(certificateProblem(info)?.code).toBe('client-certificate-key-mismatch');
    expect(certificateProblem(info)?.message).toMatch(/does not belong to this certificate/);
  });

  it('issued by the wrong CA for the environment, naming the CA expected', async () => {
    const files = await writeClient(dir, 'wrong-ca', otherCa);
    const info = await inspectCertificate({ kind: 'pem', ...files });
    const error = certificateProblem(info, { environment: 'INT' });
    expect(error?.code).toBe('client-certificate-wrong-issuer');
    expect(error?.message).toBe(
      'This certificate was issued by "Some Other CA", but Integration (INT) certificates are issued by "NHS INT Authentication G2". Check you chose the certificate for the right environment.',
    );
  });

  it('an INT certificate offered for LIVE', async () => {
    const info = await inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.keyFile });
    expect(certificateProblem(info, { environment: 'LIVE' })?.message).toMatch(/Live certificates are issued by "NHS Authentication G2"/);
  });

  it('any CA is fine for a CUSTOM server when no CA files are given', async () => {
    const files = await writeClient(dir, 'custom', otherCa);
    const info = await inspectCertificate({ kind: 'pem', ...files });
    expect(problemCode(info, 'CUSTOM')).toBeUndefined();
  });
});

describe('an encrypted key', () => {
  let files: PemFiles;
  beforeAll(async () => {
    files = await writeClient(dir, 'encrypted', intCa, { keyPassphrase: 'key-passphrase' });
  });

  it('opens with the right passphrase', async () => {
    const info = await inspectCertificate({ kind: 'pem', ...files, passphrase: 'key-passphrase' });
    expect(info).toMatchObject({ keyMatches: true, keyEncrypted: true });
  });

  it('refuses the wrong passphrase', async () => {
    const error = await failure(inspectCertificate({ kind: 'pem', ...files, passphrase: 'Key-passphrase' }));
    expect(error.code).toBe('certificate-passphrase-wrong');
    expect(error.message).toMatch(/passphrase is not right/);
  });

  it('refuses a wrong passphrase that happens to decrypt to garbage, saying so rather than calling the file unreadable', async () => {
    const passphrase = passphrasePastThePaddingCheck(files.certificate.keyPem);
    const error = await failure(inspectCertificate({ kind: 'pem', ...files, passphrase }));
    expect(error.code).toBe('certificate-passphrase-wrong');
    expect(error.message).toMatch(/passphrase is not right/);
  });

  it('asks for a passphrase when none is given', async () => {
    const error = await failure(inspectCertificate({ kind: 'pem', ...files }));
    expect(error.code).toBe('certificate-passphrase-wrong');
    expect(error.message).toMatch(/protected by a passphrase/);
  });

  it('reads the old OpenSSL encrypted RSA key form', async () => {
    const { createPrivateKey } = await import('node:crypto');
    const traditional = createPrivateKey({ key: files.certificate.keyPem, passphrase: 'key-passphrase' })
      .export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'old-style' })
      .toString();
    expect(traditional).toContain('Proc-Type: 4,ENCRYPTED');
    const keyFile = path.join(dir, 'traditional.key');
    await writeFile(keyFile, traditional);
    expect((await inspectCertificate({ kind: 'pem', certFile: files.certFile, keyFile, passphrase: 'old-style' })).keyMatches).toBe(true);
    expect((await failure(inspectCertificate({ kind: 'pem', certFile: files.certFile, keyFile, passphrase: 'nope' }))).code).toBe(
      'certificate-passphrase-wrong',
    );
  });
});

describe('a PFX bundle', () => {
  it.each([
    ['written by node-forge (3DES)', 'forge'],
    ['written by OpenSSL 3 (AES-256)', 'modern'],
    ['written by old Windows (RC2)', 'legacy'],
  ])('%s opens with the right passphrase', async (_label, style) => {
    const file =
      style === 'forge'
        ? await writeForgePfx(dir, `bundle-${style}`, good.certificate, intCa, 'pfx-pass')
        : await writeOpensslPfx(dir, `bundle-${style}`, good, 'pfx-pass', style === 'legacy');
    const info = await inspectCertificate({ kind: 'pfx', file, passphrase: 'pfx-pass' });
    expect(info.subject.commonName).toBe('SERVER001.X26.api.mesh-client.nhs.uk');
    expect(info.keyMatches).toBe(true);
    expect(info.fingerprintSha256).toBe(new X509Certificate(good.certificate.certPem).fingerprint256);
  });

  it.each(['forge', 'modern', 'legacy'])('(%s) refuses the wrong passphrase', async (style) => {
    const file =
      style === 'forge'
        ? await writeForgePfx(dir, `wrong-${style}`, good.certificate, intCa, 'pfx-pass')
        : await writeOpensslPfx(dir, `wrong-${style}`, good, 'pfx-pass', style === 'legacy');
    const error = await failure(inspectCertificate({ kind: 'pfx', file, passphrase: 'not-it' }));
    expect(error.code).toBe('certificate-passphrase-wrong');
    expect(error.message).toMatch(/passphrase is not right for this certificate file/);
  });

  it('asks for the passphrase when none is given', async () => {
    const file = await writeForgePfx(dir, 'needs-pass', good.certificate, intCa, 'pfx-pass');
    const error = await failure(inspectCertificate({ kind: 'pfx', file }));
    expect(error.message).toMatch(/protected by a passphrase/);
  });

  it('checks the chain using the CA inside the bundle as an intermediate', async () => {
    const file = await writeForgePfx(dir, 'with-ca', good.certificate, intCa, 'pfx-pass');
    const info = await inspectCertificate({ kind: 'pfx', file, passphrase: 'pfx-pass' }, { caFiles: [path.join(dir, 'int-ca.pem')] });
    expect(info.chainTrusted).toBe(true);
  });
});

describe('files that are not certificates', () => {
  it('a garbage file given as the certificate', async () => {
    const garbage = path.join(dir, 'garbage.pem');
    await writeFile(garbage, 'Dear IT, please find my certificate attached.\n');
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: garbage, keyFile: good.keyFile }));
    expect(error.code).toBe('certificate-unreadable');
    expect(error.message).toMatch(/^This file is not a certificate\./);
  });

  it('a garbage file given as a PFX', async () => {
    const garbage = path.join(dir, 'garbage.pfx');
    await writeFile(garbage, Buffer.from([0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef]));
    const error = await failure(inspectCertificate({ kind: 'pfx', file: garbage, passphrase: 'x' }));
    expect(error.code).toBe('certificate-unreadable');
    expect(error.message).toMatch(/not a certificate bundle/);
  });

  it('a key file chosen as the certificate', async () => {
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: good.keyFile, keyFile: good.keyFile }));
    expect(error.message).toMatch(/holds a private key, not a certificate/);
  });

  it('a certificate chosen as the key', async () => {
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: good.certFile, keyFile: good.certFile }));
    expect(error.code).toBe('certificate-unreadable');
    expect(error.message).toMatch(/not a private key/);
  });

  it('a missing file', async () => {
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: path.join(dir, 'nope.pem'), keyFile: good.keyFile }));
    expect(error.code).toBe('file-not-found');
  });

  it('a huge file, without reading it all', async () => {
    const huge = path.join(dir, 'huge.pem');
    await writeFile(huge, Buffer.alloc(2 * 1024 * 1024, 0x41));
    const error = await failure(inspectCertificate({ kind: 'pem', certFile: huge, keyFile: good.keyFile }));
    expect(error.code).toBe('certificate-unreadable');
  });
});

describe('parseDistinguishedName', () => {
  it('labels each part in plain words, most specific first', () => {
    const name = parseDistinguishedName('C=GB\nO=Leeds Teaching Hospitals\nOU=IT\nL=Leeds\nCN=SERVER001.RR8.api.mesh-client.nhs.uk');
    expect(name.commonName).toBe('SERVER001.RR8.api.mesh-client.nhs.uk');
    expect(name.distinguishedName).toBe('CN=SERVER001.RR8.api.mesh-client.nhs.uk, L=Leeds, OU=IT, O=Leeds Teaching Hospitals, C=GB');
    expect(name.plainWords).toBe(
      'Common name: SERVER001.RR8.api.mesh-client.nhs.uk; Town or city: Leeds; Organisational unit: IT; Organisation: Leeds Teaching Hospitals; Country: GB',
    );
  });

  it('keeps unknown attributes and values with = in them', () => {
    const name = parseDistinguishedName('1.2.3.4=x=y\nCN=a');
    expect(name.fields[0]).toEqual({ attribute: '1.2.3.4', label: '1.2.3.4', value: 'x=y' });
  });

  it('has no common name when there is none', () => {
    expect(parseDistinguishedName('O=Org').commonName).toBeUndefined();
  });
});
