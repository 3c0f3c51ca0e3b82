/**
 * Reads certificate files (PEM certificate + key, or PFX/P12) into Node's own
 * objects, turning every way that can go wrong into a specific AppError.
 * These files are small, so they are read whole — after checking they are small.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import forge from 'node-forge';
import { AppError } from '../shared/errors';
import { isEncryptedPemKey } from '../shared/pem';

/** What a person chose to import. */
export type CertificateInput =
  { kind: 'pem'; certFile: string; keyFile: string; passphrase?: string } | { kind: 'pfx'; file: string; passphrase?: string };

/** Decoded certificate material. Holds a private key: never log or serialise it. */
export interface CertificateMaterial {
  certificate: X509Certificate;
  /** Other certificates that came in the same files (intermediates). */
  chain: X509Certificate[];
  privateKey: KeyObject;
  keyEncrypted: boolean;
}

/** Real certificate and key files are a few kilobytes; anything this big is something else. */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

const NOT_A_CERTIFICATE = 'This file is not a certificate. Choose the certificate file you were sent (it usually ends .crt, .cer or .pem).';
const NOT_A_KEY = 'This file is not a private key. Choose the .key file that was made when the certificate was requested.';
const NOT_A_PFX =
  'This file is not a certificate bundle. Choose the .pfx or .p12 file you were given, or import the certificate and key files separately.';

function unreadable(message: string, detail: string, cause?: unknown): AppError {
  return new AppError({ code: 'certificate-unreadable', message, detail, cause });
}

function wrongPassphrase(message: string, detail: string, cause?: unknown): AppError {
  return new AppError({ code: 'certificate-passphrase-wrong', message, detail, cause });
}

/** Reads a small file, with specific errors for missing, unreadable and oversized files. */
export async function readSmallFile(filePath: string, tooLargeMessage: string): Promise<Buffer> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) {
      throw new AppError({
        code: 'file-unreadable',
        message: `${filePath} is a folder, not a file. Choose the file itself.`,
        detail: filePath,
      });
    }
    if (info.size > MAX_CERTIFICATE_FILE_BYTES) throw unreadable(tooLargeMessage, `${filePath}: ${info.size} bytes`);
    return await readFile(filePath);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AppError({
        code: 'file-not-found',
        message: `The file ${filePath} could not be found. Check it has not been moved, then choose it again.`,
        detail: filePath,
        cause: error,
      });
    }
    throw new AppError({
      code: 'file-unreadable',
      message: `The file ${filePath} could not be opened. Check you have permission to read it, then try again.`,
      detail: `${filePath}: ${String(error)}`,
      cause: error,
    });
  }
}

/** Every PEM block of the given label(s) in `text`, in order. */
export function pemBlocks(text: string, labelPattern: string): string[] {
  const pattern = new RegExp(`-----BEGIN (${labelPattern})-----[\\s\\S]*?-----END \\1-----`, 'g');
  return text.match(pattern) ?? [];
}

/** All certificates in a PEM or DER buffer; empty when there are none. */
export function parseCertificates(data: Buffer): X509Certificate[] {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN')) {
    return pemBlocks(text, 'CERTIFICATE|TRUSTED CERTIFICATE|X509 CERTIFICATE').flatMap((block) => {
      try {
        return [new X509Certificate(block.replace(/(TRUSTED|X509) CERTIFICATE/g, 'CERTIFICATE'))];
      } catch {
        return [];
      }
    });
  }
  try {
    return [new X509Certificate(data)];
  } catch {
    return [];
  }
}

const PRIVATE_KEY_LABELS = 'ENCRYPTED PRIVATE KEY|RSA PRIVATE KEY|EC PRIVATE KEY|PRIVATE KEY';

/** Decodes a PEM private key, asking for (or rejecting) the passphrase as needed. */
export function parsePemPrivateKey(text: string, passphrase: string | undefined): { key: KeyObject; encrypted: boolean } {
  const [block] = pemBlocks(text, PRIVATE_KEY_LABELS);
  if (!block) {
    const detail = text.includes('-----BEGIN CERTIFICATE-----') ? 'certificate where a key was expected' : 'no PEM private key block';
    throw unreadable(NOT_A_KEY, detail);
  }
  const encrypted = isEncryptedPemKey(block);
  if (encrypted && !passphrase) {
    throw wrongPassphrase(
      'This private key is protected by a passphrase. Enter the passphrase to continue.',
      'encrypted key, no passphrase given',
    );
  }
  try {
    const key = createPrivateKey(encrypted ? { key: block, format: 'pem', passphrase: passphrase! } : { key: block, format: 'pem' });
    return { key, encrypted };
  } catch (error) {
    // A wrong passphrase usually fails the padding check ("bad decrypt"), but about one time in 256 it passes and
    // leaves garbage that fails to decode instead ("unsupported", "asn1"): for an encrypted key, both mean this.
    if (encrypted) {
      throw wrongPassphrase(
        'That passphrase is not right for this private key. Check it and try again (passphrases are case-sensitive).',
        String(error),
        error,
      );
    }
    throw unreadable(NOT_A_KEY, String(error), error);
  }
}

/** The certificate that belongs to `key`, else the first that is not a CA, else the first. */
/** True when `key` is the private half of the certificate's public key. */
export function keyBelongsTo(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}

function pickLeaf(certificates: X509Certificate[], key: KeyObject): X509Certificate {
  return (
    certificates.find((certificate) => keyBelongsTo(certificate, key)) ??
    certificates.find((certificate) => !certificate.ca) ??
    certificates[0]!
  );
}

function binaryToBuffer(bytes: string): Buffer {
  return Buffer.from(bytes, 'binary');
}

/** Decodes a PFX/P12 bundle with node-forge, which also reads the old RC2 bundles OpenSSL 3 refuses. */
export function parsePfx(data: Buffer, passphrase: string | undefined): CertificateMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(data.toString('binary'), false);
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase ?? '');
    } catch (error) {
      if (/password|MAC could not be verified|decrypt/i.test((error as Error).message)) {
        throw wrongPassphrase(
          passphrase
            ? 'That passphrase is not right for this certificate file. Check it and try again (passphrases are case-sensitive).'
            : 'This certificate file is protected by a passphrase. Enter the passphrase to continue.',
          String(error),
          error,
        );
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadable(NOT_A_PFX, String(error), error);
  }

  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [];
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certificates = certBags.flatMap((bag) => {
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : (bag as { asn1?: forge.asn1.Asn1 }).asn1;
    if (!asn1) return [];
    try {
      return [new X509Certificate(binaryToBuffer(forge.asn1.toDer(asn1).getBytes()))];
    } catch {
      return [];
    }
  });
  const keyBag = keyBags[0];
  if (certificates.length === 0 || !keyBag) {
    throw unreadable(
      'This certificate file does not contain both a certificate and its private key. Export it again with the private key included.',
      `certificates: ${certificates.length}, keys: ${keyBags.length}`,
    );
  }
  const keyAsn1 = keyBag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))
    : (keyBag as { asn1?: forge.asn1.Asn1 }).asn1;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: binaryToBuffer(forge.asn1.toDer(keyAsn1!).getBytes()), format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw unreadable('The private key in this certificate file could not be read.', String(error), error);
  }
  const certificate = pickLeaf(certificates, privateKey);
  return {
    certificate,
    chain: certificates.filter((other) => other !== certificate),
    privateKey,
    keyEncrypted: Boolean(passphrase),
  };
}

/** Reads and decodes what a person chose to import. */
export async function loadCertificateMaterial(input: CertificateInput): Promise<CertificateMaterial> {
  if (input.kind === 'pfx') {
    return parsePfx(await readSmallFile(input.file, NOT_A_PFX), input.passphrase);
  }
  const certData = await readSmallFile(input.certFile, NOT_A_CERTIFICATE);
  const certificates = parseCertificates(certData);
  if (certificates.length === 0) {
    const holdsKey = pemBlocks(certData.toString('latin1'), PRIVATE_KEY_LABELS).length > 0;
    throw unreadable(
      holdsKey
        ? 'This file holds a private key, not a certificate. Choose the certificate file (it usually ends .crt, .cer or .pem).'
        : NOT_A_CERTIFICATE,
      `${input.certFile}: no certificate found`,
    );
  }
  const keyData = await readSmallFile(input.keyFile, NOT_A_KEY);
  const { key, encrypted } = parsePemPrivateKey(keyData.toString('latin1'), input.passphrase);
  const certificate = pickLeaf(certificates, key);
  return { certificate, chain: certificates.filter((other) => other !== certificate), privateKey: key, keyEncrypted: encrypted };
}
