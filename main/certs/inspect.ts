/**
 * Describes a client certificate in words people can check ("issued to …, by …,
 * expires …") and decides whether MESH would accept it.
 */
import type { X509Certificate } from 'node:crypto';
import { AppError } from '../shared/errors';
import { ENVIRONMENT_LABELS, type MailboxEnvironment, type NamedEnvironment } from '../settings/environments';
import { certificateStatus, daysUntilExpiry, formatUkDate, type CertificateStatus } from './expiry';
import {
  keyBelongsTo,
  loadCertificateMaterial,
  parseCertificates,
  readSmallFile,
  type CertificateInput,
  type CertificateMaterial,
} from './material';

export type { CertificateInput } from './material';

/** One part of a distinguished name, labelled in plain words. */
export interface NameField {
  label: string;
  /** The short attribute name, such as CN or O. */
  attribute: string;
  value: string;
}

export interface CertificateName {
  commonName: string | undefined;
  /** RFC 4514 order, most specific first: "CN=…, O=…, C=GB". */
  distinguishedName: string;
  fields: NameField[];
  /** The fields as one line of words: "Common name: …; Organisation: …". */
  plainWords: string;
}

export interface CertificateInfo {
  subject: CertificateName;
  issuer: CertificateName;
  /** Upper-case hex. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Colon-separated upper-case hex, as Windows and OpenSSL show it. */
  fingerprintSha256: string;
  keyMatches: boolean;
  keyEncrypted: boolean;
  daysUntilExpiry: number;
  status: CertificateStatus;
  /** Present only when CA files were given: whether the chain reaches one of them. */
  chainTrusted?: boolean;
}

export interface InspectOptions {
  /** PEM (or DER) files of certificate authorities to check the chain against. */
  caFiles?: string[];
  now?: Date;
}

/**
 * The CAs that issue MESH client certificates per environment (mesh-api.md §4.3);
 * the first is the current one, named in messages. TRAINING is not documented.
 */
export const EXPECTED_CLIENT_CERTIFICATE_ISSUERS: Readonly<Record<NamedEnvironment, readonly string[] | undefined>> = {
  INT: ['NHS INT Authentication G2', 'NHS INT Level 1C'],
  DEP: ['NHS INT Authentication G2', 'NHS DEP Level 1C'],
  LIVE: ['NHS Authentication G2', 'NHS Level 1C'],
  TRAINING: undefined,
};

const ATTRIBUTE_LABELS: Record<string, string> = {
  CN: 'Common name',
  O: 'Organisation',
  OU: 'Organisational unit',
  L: 'Town or city',
  ST: 'County or region',
  C: 'Country',
  emailAddress: 'Email address',
  DC: 'Domain part',
  serialNumber: 'Serial number',
  street: 'Street',
  postalCode: 'Postcode',
};

/** Splits Node's "C=GB\nO=…\nCN=…" name into labelled fields, in certificate order. */
export function parseDistinguishedName(text: string): CertificateName {
  const fields: NameField[] = text
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => {
      const at = line.indexOf('=');
      const attribute = line.slice(0, at);
      return { attribute, label: ATTRIBUTE_LABELS[attribute] ?? attribute, value: line.slice(at + 1) };
    });
  const commonNames = fields.filter((field) => field.attribute === 'CN');
  return {
    commonName: commonNames[commonNames.length - 1]?.value,
    distinguishedName: [...fields]
      .reverse()
      .map((field) => `${field.attribute}=${field.value}`)
      .join(', '),
    fields,
    plainWords: [...fields]
      .reverse()
      .map((field) => `${field.label}: ${field.value}`)
      .join('; '),
  };
}

function parseCertificateDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable certificate date ${text}`);
  return date;
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * True when signatures lead from `leaf` to one of `anchors`, through
 * `intermediates` if need be. Dates of the CAs are not checked here: the TLS
 * handshake does that; this is to catch the wrong certificate early.
 */
export function chainReachesAnchor(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): boolean {
  const anchorPrints = new Set(anchors.map((anchor) => anchor.fingerprint256));
  let current = leaf;
  const visited = new Set<string>();
  for (let depth = 0; depth < 10; depth += 1) {
    if (anchorPrints.has(current.fingerprint256)) return true;
    if (anchors.some((anchor) => issuedBy(current, anchor))) return true;
    visited.add(current.fingerprint256);
    const next = intermediates.find((candidate) => candidate.ca && !visited.has(candidate.fingerprint256) && issuedBy(current, candidate));
    if (!next) return false;
    current = next;
  }
  return false;
}

async function readAnchors(caFiles: readonly string[]): Promise<X509Certificate[]> {
  const anchors: X509Certificate[] = [];
  for (const file of caFiles) {
    const found = parseCertificates(await readSmallFile(file, `The file ${file} is too large to be a certificate authority file.`));
    if (found.length === 0) {
      throw new AppError({
        code: 'certificate-unreadable',
        message: `The trusted certificate authority file ${file} does not contain any certificates. Check the file, or remove it from the list.`,
        detail: file,
      });
    }
    anchors.push(...found);
  }
  return anchors;
}

/** Describes decoded material (used by inspectCertificate and importCertificate). */
export async function describeMaterial(material: CertificateMaterial, options: InspectOptions = {}): Promise<CertificateInfo> {
  const now = options.now ?? new Date();
  const { certificate } = material;
  const notBefore = parseCertificateDate(certificate.validFrom);
  const notAfter = parseCertificateDate(certificate.validTo);
  const info: CertificateInfo = {
    subject: parseDistinguishedName(certificate.subject),
    issuer: parseDistinguishedName(certificate.issuer),
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore,
    notAfter,
    fingerprintSha256: certificate.fingerprint256,
    keyMatches: keyBelongsTo(certificate, material.privateKey),
    keyEncrypted: material.keyEncrypted,
    daysUntilExpiry: daysUntilExpiry(notAfter, now),
    status: certificateStatus(notBefore, notAfter, now),
  };
  if (options.caFiles && options.caFiles.length > 0) {
    info.chainTrusted = chainReachesAnchor(certificate, [...material.chain], await readAnchors(options.caFiles));
  }
  return info;
}

/**
 * Reads a PEM certificate + key (plain or with a passphrase) or a PFX/P12 and
 * describes it. Throws for files that are not certificates and for a wrong
 * passphrase; everything else is reported in the result for the caller to judge
 * (see assertCertificateUsable).
 */
export async function inspectCertificate(input: CertificateInput, options: InspectOptions = {}): Promise<CertificateInfo> {
  return describeMaterial(await loadCertificateMaterial(input), options);
}

export interface UsableOptions {
  /** Check the issuer is the CA that environment's certificates come from. */
  environment?: MailboxEnvironment;
}

/** The AppError that stops this certificate being used, or undefined when MESH should accept it. */
export function certificateProblem(info: CertificateInfo, options: UsableOptions = {}): AppError | undefined {
  const detail = `subject ${info.subject.distinguishedName}; issuer ${info.issuer.distinguishedName}; serial ${info.serialNumber}`;
  if (!info.keyMatches) {
    return new AppError({
      code: 'client-certificate-key-mismatch',
      message:
        'This private key does not belong to this certificate. Choose the key file that was made when this certificate was requested.',
      detail,
    });
  }
  if (info.status === 'not-yet-valid') {
    return new AppError({
      code: 'client-certificate-not-yet-valid',
      message: `This certificate only becomes valid on ${formatUkDate(info.notBefore)}. Check your computer's date and time; if they are right, wait until then to use it.`,
      detail,
    });
  }
  if (info.status === 'expired') {
    return new AppError({
      code: 'client-certificate-expired',
      message: `This certificate expired on ${formatUkDate(info.notAfter)}, so MESH will refuse it. Ask your IT service desk for a new certificate.`,
      detail,
    });
  }
  const environment = options.environment;
  const expected = environment && environment !== 'CUSTOM' ? EXPECTED_CLIENT_CERTIFICATE_ISSUERS[environment] : undefined;
  if (environment && expected && !expected.includes(info.issuer.commonName ?? '')) {
    return new AppError({
      code: 'client-certificate-wrong-issuer',
      message: `This certificate was issued by "${info.issuer.commonName ?? info.issuer.distinguishedName}", but ${ENVIRONMENT_LABELS[environment]} certificates are issued by "${expected[0]}". Check you chose the certificate for the right environment.`,
      detail,
    });
  }
  if (info.chainTrusted === false) {
    return new AppError({
      code: 'client-certificate-wrong-issuer',
      message: `This certificate was issued by "${info.issuer.commonName ?? info.issuer.distinguishedName}", which is not one of the certificate authorities this mailbox trusts. Check you chose the right certificate.`,
      detail,
    });
  }
  return undefined;
}

/** Throws the AppError that stops this certificate being used, if there is one. */
export function assertCertificateUsable(info: CertificateInfo, options: UsableOptions = {}): void {
  const problem = certificateProblem(info, options);
  if (problem) throw problem;
}
