import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildAgentTlsOptions,
  certificateState,
  clientCertificateValidity,
  collectTrustedCas,
  readCaFile,
  describeCertificateLoadFailure,
  summariseCertificate,
  systemCaCertificates,
} from '../../../main/mesh/tls';
import { createCa, issueCertificate, passphrasePastThePaddingCheck, toPfx } from '../../support/pki';

const ca = createCa({ commonName: 'TLS Unit Test CA' });
const client = issueCertificate(ca, { commonName: 'SERVER001.X26.api.mesh-client.nhs.uk', kind: 'client' });
const encrypted = issueCertificate(ca, { commonName: 'ENC.X26.api.mesh-client.nhs.uk', kind: 'client', keyPassphrase: 'secret' });
const other = issueCertificate(ca, { commonName: 'OTHER.X26.api.mesh-client.nhs.uk', kind: 'client' });
const noSystem = (): string[] => [];

const secondCa = createCa({ commonName: 'Second Unit Test CA' });

describe('readCaFile', () => {
  it('reads a PEM bundle into one PEM per certificate', () => {
    const pems = readCaFile(`junk before\n${ca.certPem}\n${secondCa.certPem}`);
    expect(pems).toHaveLength(2);
    expect(new X509Certificate(pems[1] as string).subject).toContain('Second Unit Test CA');
  });
  it('reads a DER .cer file', () => {
    const der = new X509Certificate(ca.certPem).raw;
    const [pem] = readCaFile(der);
    expect(pem).toContain('BEGIN CERTIFICATE');
    expect(new X509Certificate(pem as string).subject).toContain('TLS Unit Test CA');
  });
  it('refuses files without a readable certificate', () => {
    expect(() => readCaFile('hello')).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
    expect(() => readCaFile(Buffer.from('hello'))).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
    expect(() => readCaFile('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----')).toThrow(
      expect.objectContaining({ code: 'certificate-unreadable' }),
    );
  });
});

describe('collectTrustedCas', () => {
  it('joins environment CAs, extra CAs and the system store in that order', () => {
    const result = collectTrustedCas({ environmentCaPems: [ca.certPem], extraCaPems: [Buffer.from(secondCa.certPem)] }, () => ['S']);
    expect(result?.map((pem) => (pem === 'S' ? 'S' : /CN=([^\n]*)/.exec(new X509Certificate(pem).subject)?.[1]))).toEqual([
      'TLS Unit Test CA',
      'Second Unit Test CA',
      'S',
    ]);
  });
  it('lists each certificate once, however many times the files and the store repeat it', () => {
    const systemCopy = new X509Certificate(ca.certPem).toString();
    const result = collectTrustedCas({ environmentCaPems: [ca.certPem, ca.certPem] }, () => ['S', 'S', systemCopy, 'T', 'S']);
    expect(result).toEqual([systemCopy, 'S', 'T']);
  });
  it('leaves out the system store when asked', () => {
    expect(collectTrustedCas({ environmentCaPems: [ca.certPem], useSystemStore: false }, () => ['S'])).toHaveLength(1);
  });
  it('is undefined when there is nothing to trust', () => {
    expect(collectTrustedCas({}, noSystem)).toBeUndefined();
  });
});

describe('systemCaCertificates', () => {
  it('returns PEM strings or nothing, never throws', () => {
    const certificates = systemCaCertificates();
    expect(Array.isArray(certificates)).toBe(true);
    for (const pem of certificates.slice(0, 3)) expect(pem).toContain('BEGIN CERTIFICATE');
  });
});

describe('buildAgentTlsOptions', () => {
  it('builds a TLS 1.2+ context that verifies the server, from PEM', () => {
    const options = buildAgentTlsOptions(
      { clientCertificate: { kind: 'pem', certificatePem: client.certPem, privateKeyPem: client.keyPem }, environmentCaPems: [ca.certPem] },
      noSystem,
    );
    expect(options.minVersion).toBe('TLSv1.2');
    expect(options.rejectUnauthorized).toBe(true);
    expect(options.secureContext).toBeDefined();
  });
  it('reads an encrypted key with its passphrase, and a PFX', () => {
    expect(() =>
      buildAgentTlsOptions(
        { clientCertificate: { kind: 'pem', certificatePem: encrypted.certPem, privateKeyPem: encrypted.keyPem, passphrase: 'secret' } },
        noSystem,
      ),
    ).not.toThrow();
    const pfx = toPfx(client, ca, 'pfx-pass');
    expect(() => buildAgentTlsOptions({ clientCertificate: { kind: 'pfx', pfx, passphrase: 'pfx-pass' } }, noSystem)).not.toThrow();
  });
  it('builds one context for the same settings, however many agents ask (the OS store is read once)', () => {
    const settings = {
      clientCertificate: { kind: 'pem' as const, certificatePem: client.certPem, privateKeyPem: client.keyPem },
      environmentCaPems: [ca.certPem],
    };
    const first = buildAgentTlsOptions(settings);
    expect(buildAgentTlsOptions(settings).secureContext).toBe(first.secureContext);
    // Other settings (even equal ones in a new object, as after a change in Settings) get a context of their own.
    expect(buildAgentTlsOptions({ ...settings }).secureContext).not.toBe(first.secureContext);
    // A caller with its own trust store is never handed a context built from another.
    expect(buildAgentTlsOptions(settings, noSystem).secureContext).not.toBe(first.secureContext);
  });
  it('works without a client certificate (to test what MESH does then)', () => {
    expect(buildAgentTlsOptions({ environmentCaPems: [ca.certPem] }, noSystem).secureContext).toBeDefined();
  });
  it('says when the PFX password is wrong', () => {
    const pfx = toPfx(client, ca, 'pfx-pass');
    expect(() => buildAgentTlsOptions({ clientCertificate: { kind: 'pfx', pfx, passphrase: 'wrong' } }, noSystem)).toThrow(
      expect.objectContaining({ code: 'certificate-passphrase-wrong' }),
    );
  });
  it('says when the key passphrase is wrong or missing', () => {
    expect(() =>
      buildAgentTlsOptions(
        { clientCertificate: { kind: 'pem', certificatePem: encrypted.certPem, privateKeyPem: encrypted.keyPem, passphrase: 'nope' } },
        noSystem,
      ),
    ).toThrow(expect.objectContaining({ code: 'certificate-passphrase-wrong' }));
    // About one wrong passphrase in 256 decrypts to garbage instead of failing: the same mistake, the same message.
    const unlucky = passphrasePastThePaddingCheck(encrypted.keyPem);
    expect(() =>
      buildAgentTlsOptions(
        { clientCertificate: { kind: 'pem', certificatePem: encrypted.certPem, privateKeyPem: encrypted.keyPem, passphrase: unlucky } },
        noSystem,
      ),
    ).toThrow(expect.objectContaining({ code: 'certificate-passphrase-wrong' }));
    expect(() =>
      buildAgentTlsOptions(
        { clientCertificate: { kind: 'pem', certificatePem: encrypted.certPem, privateKeyPem: encrypted.keyPem } },
        noSystem,
      ),
    ).toThrow(expect.objectContaining({ code: 'certificate-passphrase-wrong' }));
  });
  it('says when key and certificate do not belong together', () => {
    expect(() =>
      buildAgentTlsOptions({ clientCertificate: { kind: 'pem', certificatePem: client.certPem, privateKeyPem: other.keyPem } }, noSystem),
    ).toThrow(expect.objectContaining({ code: 'client-certificate-key-mismatch' }));
  });
  it('says when the files are not certificates', () => {
    expect(() =>
      buildAgentTlsOptions({ clientCertificate: { kind: 'pem', certificatePem: 'hello', privateKeyPem: 'world' } }, noSystem),
    ).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
    expect(() => buildAgentTlsOptions({ clientCertificate: { kind: 'pfx', pfx: Buffer.from('junk') } }, noSystem)).toThrow(
      expect.objectContaining({ code: 'certificate-unreadable' }),
    );
  });
  it('says when a CA file is not a certificate', () => {
    expect(() =>
      buildAgentTlsOptions({ extraCaPems: ['-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n'] }, noSystem),
    ).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
  });
});

describe('describeCertificateLoadFailure', () => {
  it.each([
    [{ message: 'mac verify failure' }, 'certificate-passphrase-wrong'],
    [{ code: 'ERR_OSSL_BAD_DECRYPT', message: 'bad decrypt' }, 'certificate-passphrase-wrong'],
    [{ code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH', message: 'key values mismatch' }, 'client-certificate-key-mismatch'],
    [{ code: 'ERR_OSSL_PEM_NO_START_LINE', message: 'no start line' }, 'certificate-unreadable'],
    [{ message: 'something odd' }, 'certificate-unreadable'],
  ])('maps %j to %s', (error, code) => {
    expect(describeCertificateLoadFailure(Object.assign(new Error(error.message), error), 'pem').code).toBe(code);
  });
});

describe('summariseCertificate', () => {
  it('reads subject, issuer and validity', () => {
    const summary = summariseCertificate(client.chainPem);
    expect(summary.subject).toContain('CN=SERVER001.X26.api.mesh-client.nhs.uk');
    expect(summary.issuer).toContain('CN=TLS Unit Test CA');
    expect(summary.validTo.getTime()).toBeGreaterThan(Date.now());
    expect(summary.validFrom.getTime()).toBeLessThan(Date.now());
  });
  it('throws a certificate error for junk', () => {
    expect(() => summariseCertificate('junk')).toThrow(expect.objectContaining({ code: 'certificate-unreadable' }));
  });
});

describe('clientCertificateValidity', () => {
  const dated = issueCertificate(ca, {
    commonName: 'DATED.X26.api.mesh-client.nhs.uk',
    kind: 'client',
    notBefore: new Date('2024-01-01T00:00:00Z'),
    notAfter: new Date('2025-01-01T00:00:00Z'),
  });
  it('reads the leaf dates from PEM (first certificate of a chain)', () => {
    expect(clientCertificateValidity({ kind: 'pem', certificatePem: dated.chainPem, privateKeyPem: dated.keyPem })).toEqual({
      validFrom: new Date('2024-01-01T00:00:00Z'),
      validTo: new Date('2025-01-01T00:00:00Z'),
    });
  });
  it('reads the leaf (not the CA) dates from a PFX', () => {
    const validity = clientCertificateValidity({ kind: 'pfx', pfx: toPfx(dated, ca, 'pw'), passphrase: 'pw' });
    expect(validity?.validTo.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
  it('gives undefined when unreadable', () => {
    expect(clientCertificateValidity({ kind: 'pfx', pfx: toPfx(dated, ca, 'pw'), passphrase: 'wrong' })).toBeUndefined();
    expect(clientCertificateValidity({ kind: 'pem', certificatePem: 'junk', privateKeyPem: 'junk' })).toBeUndefined();
  });
});

describe('certificateState', () => {
  const validity = { validFrom: new Date('2024-01-01T00:00:00Z'), validTo: new Date('2025-01-01T00:00:00Z') };
  it('says valid, expired or not yet valid', () => {
    expect(certificateState(validity, new Date('2024-06-01T00:00:00Z'))).toBe('valid');
    expect(certificateState(validity, new Date('2025-01-01T00:00:01Z'))).toBe('expired');
    expect(certificateState(validity, new Date('2023-12-31T23:59:59Z'))).toBe('not-yet-valid');
    expect(certificateState(undefined, new Date())).toBeUndefined();
  });
});
