/**
 * Certificate files for the certs tests, made with test/support/pki.ts and the
 * openssl command line (for the PFX formats Windows and OpenSSL really write).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCa, issueCertificate, toPfx, type TestCa, type TestCertificate } from '../../support/pki';

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;

export interface PemFiles {
  certFile: string;
  keyFile: string;
  certificate: TestCertificate;
}

/** Writes a client certificate and its key, signed by `ca`, into `dir` under `name`. */
export async function writeClient(
  dir: string,
  name: string,
  ca: TestCa,
  options: { notBefore?: Date; notAfter?: Date; keyPassphrase?: string; commonName?: string } = {},
): Promise<PemFiles> {
  const certificate = issueCertificate(ca, {
    commonName: options.commonName ?? 'SERVER001.X26.api.mesh-client.nhs.uk',
    kind: 'client',
    ...(options.notBefore ? { notBefore: options.notBefore } : {}),
    ...(options.notAfter ? { notAfter: options.notAfter } : {}),
    ...(options.keyPassphrase ? { keyPassphrase: options.keyPassphrase } : {}),
  });
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}.key`);
  await writeFile(certFile, certificate.certPem);
  await writeFile(keyFile, certificate.keyPem, { mode: 0o600 });
  return { certFile, keyFile, certificate };
}

/** A PFX written by node-forge (3DES), as the shared test PKI makes them. */
export async function writeForgePfx(
  dir: string,
  name: string,
  certificate: TestCertificate,
  ca: TestCa,
  passphrase: string,
): Promise<string> {
  const file = path.join(dir, `${name}.pfx`);
  await writeFile(file, toPfx(certificate, ca, passphrase));
  return file;
}

/** A PFX written by the openssl command line: AES-256 by default, RC2 with `legacy`. */
export async function writeOpensslPfx(dir: string, name: string, files: PemFiles, passphrase: string, legacy = false): Promise<string> {
  const file = path.join(dir, `${name}.pfx`);
  const keyOptions = files.certificate.keyPem.includes('ENCRYPTED') ? ['-passin', 'pass:key-passphrase'] : [];
  await run('openssl', [
    'pkcs12',
    '-export',
    ...(legacy ? ['-legacy'] : []),
    '-in',
    files.certFile,
    '-inkey',
    files.keyFile,
    ...keyOptions,
    '-passout',
    `pass:${passphrase}`,
    '-out',
    file,
  ]);
  return file;
}

export { createCa, DAY };
