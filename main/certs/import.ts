/**
 * Copies a checked client certificate into the app's data folder
 * (`<dataDir>/certificates/<profileId>/`, owner-only) and puts its passphrase
 * in the keychain. The result is the value for the profile's `certificate` field.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import forge from 'node-forge';
import type { SecretStore } from '../secrets/keychain';
import type { MailboxEnvironment } from '../settings/environments';
import type { CertificateRef } from '../settings/schema';
import { AppError } from '../shared/errors';
import { assertCertificateUsable, describeMaterial, type CertificateInfo } from './inspect';
import { loadCertificateMaterial, pemBlocks, readSmallFile, type CertificateInput, type CertificateMaterial } from './material';

export const CERTIFICATE_FILE_NAMES = {
  certificate: 'certificate.pem',
  privateKey: 'private-key.pem',
  pfx: 'certificate.pfx',
} as const;

export interface ImportCertificateOptions {
  /** The app's data folder (the one holding settings.json). */
  dataDir: string;
  profileId: string;
  input: CertificateInput;
  secrets: SecretStore;
  /** When given, the certificate must come from that environment's CA. */
  environment?: MailboxEnvironment;
  caFiles?: string[];
  now?: Date;
}

export interface ImportedCertificate {
  /** The value for MailboxProfile.certificate. */
  certificate: CertificateRef;
  info: CertificateInfo;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The folder a profile's certificate files live in. */
export function certificateFolder(dataDir: string, profileId: string): string {
  // The id becomes a folder name, so it must be exactly a UUID (no "..", no slashes).
  if (!UUID.test(profileId)) {
    throw new AppError({
      code: 'invalid-argument',
      message: 'That mailbox could not be found. Close this window and try again.',
      detail: `bad profile id ${JSON.stringify(profileId)}`,
    });
  }
  return path.join(dataDir, 'certificates', profileId.toLowerCase());
}

/** True when Node's TLS (OpenSSL) can load the material as it will at connection time. */
function tlsCanLoad(options: { cert?: string; key?: string; pfx?: Buffer; passphrase?: string }): boolean {
  try {
    createSecureContext(options);
    return true;
  } catch {
    return false;
  }
}

/**
 * Bundles written by old Windows versions use RC2, which OpenSSL 3 (inside
 * Node and Electron) refuses; re-package them with AES-256 under the same passphrase.
 */
function repackagePfx(material: CertificateMaterial, passphrase: string): Buffer {
  try {
    const key = forge.pki.privateKeyFromPem(material.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const certificates = [material.certificate, ...material.chain].map((certificate) =>
      forge.pki.certificateFromPem(certificate.toString()),
    );
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, certificates, passphrase, { algorithm: 'aes256' });
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  } catch (error) {
    throw new AppError({
      code: 'certificate-unreadable',
      message:
        'This certificate file uses old encryption that MESH Desktop cannot use. Export it again (choose AES-256 encryption), or import the certificate and key as separate files.',
      detail: String(error),
      cause: error,
    });
  }
}

/** The files to write, by name, for this input. */
async function filesFor(input: CertificateInput, material: CertificateMaterial): Promise<Map<string, string | Buffer>> {
  if (input.kind === 'pfx') {
    const original = await readSmallFile(input.file, 'This file is too large to be a certificate.');
    const passphrase = input.passphrase ?? '';
    const pfx = tlsCanLoad({ pfx: original, passphrase }) ? original : repackagePfx(material, passphrase);
    return new Map([[CERTIFICATE_FILE_NAMES.pfx, pfx]]);
  }
  // PEM: the certificate first, then any intermediates that came with it, so TLS can send the chain.
  const certificatePem = [material.certificate, ...material.chain].map((certificate) => certificate.toString().trim()).join('\n') + '\n';
  const keyText = (await readSmallFile(input.keyFile, 'This file is too large to be a private key.')).toString('latin1');
  const [keyBlock] = pemBlocks(keyText, 'ENCRYPTED PRIVATE KEY|RSA PRIVATE KEY|EC PRIVATE KEY|PRIVATE KEY');
  return new Map([
    [CERTIFICATE_FILE_NAMES.certificate, certificatePem],
    [CERTIFICATE_FILE_NAMES.privateKey, `${keyBlock!}\n`],
  ]);
}

async function writePrivateFile(filePath: string, contents: string | Buffer): Promise<void> {
  const handle = await open(filePath, 'wx', 0o600);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function diskError(error: unknown, folder: string): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new AppError({
    code: code === 'ENOSPC' ? 'disk-full' : 'disk-error',
    message:
      code === 'ENOSPC'
        ? 'The certificate could not be saved because the disk is full. Free some space and try again.'
        : 'The certificate could not be saved in MESH Desktop’s folder. Check you can save files in your user folder, then try again.',
    detail: `${folder}: ${String(error)}`,
    cause: error,
  });
}

/**
 * Checks the certificate (readable, passphrase right, key matches, in date,
 * right CA), copies it into the profile's certificate folder with owner-only
 * permissions, and keeps the passphrase in the keychain — never on disk.
 */
export async function importCertificate(options: ImportCertificateOptions): Promise<ImportedCertificate> {
  const folder = certificateFolder(options.dataDir, options.profileId);
  const material = await loadCertificateMaterial(options.input);
  const info = await describeMaterial(material, {
    ...(options.caFiles ? { caFiles: options.caFiles } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  assertCertificateUsable(info, options.environment ? { environment: options.environment } : {});

  const files = await filesFor(options.input, material);
  const passphraseNeeded = options.input.kind === 'pfx' ? Boolean(options.input.passphrase) : material.keyEncrypted;
  const passphraseRef = { kind: 'certificate-passphrase', profileId: options.profileId } as const;

  const temps = new Map<string, string>();
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // mkdir's mode is trimmed by the umask and ignored for folders that exist.
    await chmod(folder, 0o700);
    await chmod(path.dirname(folder), 0o700);
    for (const [name, contents] of files) {
      const temp = path.join(folder, `.${name}.${randomUUID()}.tmp`);
      temps.set(name, temp);
      await writePrivateFile(temp, contents);
    }
  } catch (error) {
    await Promise.all([...temps.values()].map((temp) => rm(temp, { force: true })));
    throw diskError(error, folder);
  }

  try {
    // The passphrase changes with the files; keep the old one until the new files are ready.
    if (passphraseNeeded) await options.secrets.set(passphraseRef, options.input.passphrase!);
    else await options.secrets.delete(passphraseRef);
  } catch (error) {
    await Promise.all([...temps.values()].map((temp) => rm(temp, { force: true })));
    throw error;
  }

  try {
    for (const [name, temp] of temps) await rename(temp, path.join(folder, name));
    const keep = new Set(files.keys());
    for (const entry of await readdir(folder)) {
      if (!keep.has(entry)) await rm(path.join(folder, entry), { force: true, recursive: true });
    }
  } catch (error) {
    throw diskError(error, folder);
  }

  const certificate: CertificateRef =
    options.input.kind === 'pfx'
      ? { kind: 'pfx', file: path.join(folder, CERTIFICATE_FILE_NAMES.pfx) }
      : {
          kind: 'pem',
          certFile: path.join(folder, CERTIFICATE_FILE_NAMES.certificate),
          keyFile: path.join(folder, CERTIFICATE_FILE_NAMES.privateKey),
          keyEncrypted: material.keyEncrypted,
        };
  return { certificate, info };
}

/** Deletes a profile's certificate files and its passphrase (when the mailbox is removed). */
export async function removeImportedCertificate(dataDir: string, profileId: string, secrets: SecretStore): Promise<void> {
  const folder = certificateFolder(dataDir, profileId);
  await rm(folder, { recursive: true, force: true });
  await secrets.delete({ kind: 'certificate-passphrase', profileId });
}
