import { X509Certificate, createPrivateKey } from 'node:crypto';
import { Socket } from 'node:net';
import tls from 'node:tls';
import { AppError } from '../shared/errors';
import { isEncryptedPemKey } from '../shared/pem';

/** The mailbox's client certificate, as NHS issues it or as IT exports it. */
export type ClientCertificate =
  | { kind: 'pem'; certificatePem: string | Buffer; privateKeyPem: string | Buffer; passphrase?: string }
  | { kind: 'pfx'; pfx: Buffer; passphrase?: string };

/** Everything that decides who we are and whom we trust on the TLS connection. */
export interface TlsSettings {
  /** Omitted only to test what MESH does without one. */
  clientCertificate?: ClientCertificate;
  /** The environment's NHS CA certificate files (PEM or DER), as the person added them. */
  environmentCaPems?: Array<string | Buffer>;
  /** Further CA files IT asked for (PEM or DER). */
  extraCaPems?: Array<string | Buffer>;
  /** Also trust the operating system's store when the runtime can read it. Default true. */
  useSystemStore?: boolean;
}

/** Options for an https.Agent (or hpagent's proxy agent): one prepared context, TLS 1.2 or later. */
export interface AgentTlsOptions {
  secureContext: tls.SecureContext;
  minVersion: 'TLSv1.2';
  rejectUnauthorized: true;
}

type GetCaCertificates = (type?: 'default' | 'system' | 'bundled' | 'extra') => string[];

/** The OS trust store as PEM strings, where this runtime exposes it (Node ≥ 22.15 / Electron); else []. */
export function systemCaCertificates(): string[] {
  const reader = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (typeof reader !== 'function') return [];
  try {
    return reader('system');
  } catch {
    return [];
  }
}

type CertificateLoadCode = 'certificate-passphrase-wrong' | 'client-certificate-key-mismatch' | 'certificate-unreadable';

function certificateUnreadable(code: CertificateLoadCode, message: string, error: unknown): AppError {
  const detail = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? error.name}: ${error.message}` : String(error);
  return new AppError({ code, message, detail, cause: error });
}

function wrongPassword(error: unknown): AppError {
  return certificateUnreadable(
    'certificate-passphrase-wrong',
    'The certificate password is wrong. Enter the password you were given with the certificate.',
    error,
  );
}

/** Turns an OpenSSL failure loading the client certificate into a sentence about what to fix. */
export function describeCertificateLoadFailure(error: unknown, kind: ClientCertificate['kind']): AppError {
  const text = `${(error as NodeJS.ErrnoException)?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  if (/mac verify failure|bad decrypt|BAD_DECRYPT|bad password|MAC_VERIFY|interrupted or cancelled/i.test(text)) {
    return wrongPassword(error);
  }
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(text)) {
    return certificateUnreadable(
      'client-certificate-key-mismatch',
      'The private key does not belong to this certificate. Choose the key file that was created with the certificate request.',
      error,
    );
  }
  if (/NO_START_LINE|no start line|not enough data|wrong tag|asn1|DECODER|unsupported/i.test(text)) {
    return certificateUnreadable(
      'certificate-unreadable',
      kind === 'pfx'
        ? 'The certificate file could not be read. Choose a .pfx or .p12 file exported with its private key.'
        : 'The certificate or key file could not be read. Choose PEM files (they start with "-----BEGIN").',
      error,
    );
  }
  return certificateUnreadable(
    'certificate-unreadable',
    'The certificate could not be loaded. Check the certificate file and its password.',
    error,
  );
}

/**
 * Decodes an encrypted key on its own first, so that any failure is known to be the key's. A wrong passphrase
 * usually fails the padding check ("bad decrypt"), but about one time in 256 it passes and leaves garbage that fails
 * to decode instead ("unsupported"), which OpenSSL reports like an unreadable file.
 */
function checkKeyPassphrase(keyPem: string, passphrase: string | undefined): void {
  try {
    createPrivateKey({ key: keyPem, format: 'pem', passphrase: passphrase ?? '' });
  } catch (error) {
    throw wrongPassword(error);
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function unreadableCaFile(error?: unknown): AppError {
  return new AppError({
    code: 'certificate-unreadable',
    message: 'A certificate authority file in Settings could not be read. Choose the .cer, .crt or .pem files NHS England publishes.',
    detail: error instanceof Error ? error.message : 'no certificate found in CA file',
    ...(error ? { cause: error } : {}),
  });
}

/**
 * The certificates in one CA file as PEM strings. Accepts PEM bundles and
 * single DER (.cer) files, as Windows exports them. Throws an AppError when
 * the file holds no readable certificate; Node would silently ignore it.
 */
export function readCaFile(content: string | Buffer): string[] {
  const text = content.toString('latin1');
  const blocks = text.match(PEM_CERTIFICATE);
  try {
    if (blocks) return blocks.map((block) => new X509Certificate(block).toString());
    if (Buffer.isBuffer(content)) return [new X509Certificate(content).toString()];
  } catch (error) {
    throw unreadableCaFile(error);
  }
  throw unreadableCaFile();
}

/**
 * The CA list to trust: environment CAs, extra CAs and the OS store, each certificate once; undefined when there are
 * none. Each is parsed again for every secure context, and Node's reading of Debian's store gives each certificate
 * four times (600 strings for 150 certificates): parsing them all was 31–53 ms of a command's start, once each 7–10 ms.
 */
export function collectTrustedCas(settings: TlsSettings, systemStore: () => string[] = systemCaCertificates): string[] | undefined {
  const pems = [...(settings.environmentCaPems ?? []), ...(settings.extraCaPems ?? [])].flatMap(readCaFile);
  if (settings.useSystemStore !== false) pems.push(...systemStore());
  // readCaFile and Node both write a certificate's PEM the same way, so one certificate is one string.
  return pems.length > 0 ? [...new Set(pems)] : undefined;
}

/**
 * Prepares the TLS context once: client certificate (PEM + key, or PFX), the
 * CAs to trust, TLS 1.2 minimum. Hostname checks stay on. Throws an AppError
 * when the certificate, key or password is wrong, so it surfaces at setup.
 */
export function buildAgentTlsOptions(settings: TlsSettings, systemStore: () => string[] = systemCaCertificates): AgentTlsOptions {
  // A mailbox's connection has two agents (requests, and local-ID tracking) built from the same settings; building a
  // context reads every CA, the OS store's included (~90 ms of a command-line run's start), so the second reuses it.
  const known = systemStore === systemCaCertificates ? builtContexts.get(settings) : undefined;
  if (known) return known;
  const built = buildContext(settings, systemStore);
  if (systemStore === systemCaCertificates) builtContexts.set(settings, built);
  return built;
}

const builtContexts = new WeakMap<TlsSettings, AgentTlsOptions>();

function buildContext(settings: TlsSettings, systemStore: () => string[]): AgentTlsOptions {
  const options: tls.SecureContextOptions = { minVersion: 'TLSv1.2' };
  const ca = collectTrustedCas(settings, systemStore);
  if (ca) options.ca = ca;
  const client = settings.clientCertificate;
  if (client?.kind === 'pem') {
    options.cert = client.certificatePem;
    options.key = client.privateKeyPem;
    if (client.passphrase !== undefined) options.passphrase = client.passphrase;
  } else if (client?.kind === 'pfx') {
    options.pfx = client.pfx;
    if (client.passphrase !== undefined) options.passphrase = client.passphrase;
  }
  if (client?.kind === 'pem') {
    const keyPem = client.privateKeyPem.toString();
    if (isEncryptedPemKey(keyPem)) checkKeyPassphrase(keyPem, client.passphrase);
  }
  let secureContext: tls.SecureContext;
  try {
    secureContext = tls.createSecureContext(options);
  } catch (error) {
    if (client) throw describeCertificateLoadFailure(error, client.kind);
    throw new AppError({
      code: 'certificate-unreadable',
      message: 'A certificate authority file in Settings could not be read. Choose PEM files (they start with "-----BEGIN CERTIFICATE").',
      detail: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  return { secureContext, minVersion: 'TLSv1.2', rejectUnauthorized: true };
}

/** Who a PEM client certificate names and when it expires, to warn before MESH refuses it. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
}

/** Reads the subject and validity of a PEM certificate (the first one when there is a chain). */
export function summariseCertificate(certificatePem: string | Buffer): CertificateSummary {
  try {
    const certificate = new X509Certificate(certificatePem);
    return {
      subject: certificate.subject,
      issuer: certificate.issuer,
      validFrom: new Date(certificate.validFrom),
      validTo: new Date(certificate.validTo),
    };
  } catch (error) {
    throw describeCertificateLoadFailure(error, 'pem');
  }
}

/** When a certificate may be used. */
export interface CertificateValidity {
  validFrom: Date;
  validTo: Date;
}

/**
 * The dates of a PFX's own certificate (the one that goes with its private key, not a CA in the bundle). Read by
 * the same TLS library that will present it, so any PFX a connection can use is readable here, without loading a
 * PKCS#12 parser into every run of the command line.
 */
function pfxLeafValidity(pfx: Buffer, passphrase: string | undefined): CertificateValidity | undefined {
  const socket = new tls.TLSSocket(new Socket(), {
    secureContext: tls.createSecureContext({ pfx, ...(passphrase !== undefined ? { passphrase } : {}) }),
  });
  try {
    const leaf = socket.getX509Certificate();
    return leaf ? { validFrom: new Date(leaf.validFrom), validTo: new Date(leaf.validTo) } : undefined;
  } finally {
    socket.destroy();
  }
}

/**
 * The client certificate's validity dates, so a refused connection can be
 * explained by an expired certificate. Undefined when they cannot be read
 * (then nothing is inferred from them).
 */
export function clientCertificateValidity(certificate: ClientCertificate): CertificateValidity | undefined {
  try {
    if (certificate.kind === 'pem') {
      const { validFrom, validTo } = summariseCertificate(certificate.certificatePem);
      return { validFrom, validTo };
    }
    return pfxLeafValidity(certificate.pfx, certificate.passphrase);
  } catch {
    return undefined;
  }
}

/** Whether a certificate is in date at `now`. */
export function certificateState(validity: CertificateValidity | undefined, now: Date): 'valid' | 'expired' | 'not-yet-valid' | undefined {
  if (!validity) return undefined;
  if (now.getTime() > validity.validTo.getTime()) return 'expired';
  if (now.getTime() < validity.validFrom.getTime()) return 'not-yet-valid';
  return 'valid';
}
