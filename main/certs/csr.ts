/**
 * Makes a private key and a certificate signing request (CSR) in the form NHS
 * expects, plus plain-English instructions for sending it (mesh-api.md §4.3).
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { AppError } from '../shared/errors';

const generateKeyPairAsync = promisify(generateKeyPair);

export interface CsrRequest {
  /** Like SERVER001.X26.api.mesh-client.nhs.uk. */
  commonName: string;
  organisation?: string;
  outDir: string;
  /** When given, the key file is encrypted (AES-256) with it. */
  passphrase?: string;
}

export interface CsrResult {
  commonName: string;
  keyFile: string;
  csrFile: string;
  instructionsFile: string;
}

export const MESH_CN_SUFFIX = '.api.mesh-client.nhs.uk';

const CN_SHAPE = /^([A-Za-z0-9][A-Za-z0-9-]{0,62})\.([A-Za-z0-9]{3,10})\.api\.mesh-client\.nhs\.uk$/i;

/** Why a certificate name does not fit NHS's pattern, or undefined when it does. */
export function commonNameProblem(commonName: string): string | undefined {
  if (CN_SHAPE.test(commonName.trim())) return undefined;
  return `The certificate name must look like SERVER001.X26${MESH_CN_SUFFIX}: a name for this computer or mailbox, a dot, your organisation's ODS code, then ${MESH_CN_SUFFIX}.`;
}

/** The name as NHS writes it: the first two parts in capitals, the fixed ending in lower case. */
export function normaliseCommonName(commonName: string): string {
  const match = CN_SHAPE.exec(commonName.trim());
  if (!match) throw new AppError({ code: 'invalid-argument', message: commonNameProblem(commonName)!, detail: commonName });
  return `${match[1]!.toUpperCase()}.${match[2]!.toUpperCase()}${MESH_CN_SUFFIX}`;
}

/** The instructions file's text. */
export function csrInstructions(commonName: string, csrFileName: string, keyFileName: string): string {
  return [
    `How to get your MESH certificate for ${commonName}`,
    '',
    `MESH Desktop has made two files in this folder:`,
    `  ${csrFileName}  - your certificate request. This is the one you send.`,
    `  ${keyFileName}  - your private key. Keep it safe and NEVER email it or share it with anyone.`,
    '',
    '1. Email the request file to the NHS service desk:',
    `   - For testing (Path to Live: INT or DEP), send ${csrFileName} to itoc.supportdesk@nhs.net`,
    `   - For live use, send ${csrFileName} to ssd.nationalservicedesk@nhs.net together with your conformance certificate.`,
    '   Say which mailbox the certificate is for.',
    '',
    '2. Wait for your certificate. It usually comes back in about 5 working days.',
    '',
    '3. Import it in MESH Desktop: open Settings, choose the mailbox, choose "Import certificate",',
    `   and pick the certificate you were sent and the key file ${keyFileName} from this folder.`,
    '',
    `Do not delete ${keyFileName}: the certificate will not work without it, and it cannot be made again.`,
    '',
  ].join('\r\n');
}

/** Builds and signs the CSR with node-forge (node:crypto cannot make CSRs). */
function buildCsrPem(commonName: string, organisation: string | undefined, privateKey: KeyObject, publicKeyPem: string): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  const subject: forge.pki.CertificateField[] = [];
  if (organisation) subject.push({ shortName: 'O', value: organisation });
  subject.push({ shortName: 'CN', value: commonName });
  csr.setSubject(subject);
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  csr.sign(forgeKey, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

async function writeNewFile(filePath: string, contents: string, mode: number): Promise<void> {
  const handle = await open(filePath, 'wx', mode);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Generates an RSA 2048 key and a CSR for `commonName`, writing `<cn>.key`
 * (owner-only), `<cn>.csr` and `<cn>-instructions.txt` into `outDir`. Refuses to
 * overwrite an existing key: it may belong to a request still waiting for its certificate.
 */
export async function generateCsr(request: CsrRequest): Promise<CsrResult> {
  const commonName = normaliseCommonName(request.commonName);
  const organisation = request.organisation?.trim() || undefined;
  if (request.passphrase !== undefined && request.passphrase.length < 4) {
    throw new AppError({ code: 'invalid-argument', message: 'The passphrase must be at least 4 characters long.' });
  }

  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const csrPem = buildCsrPem(commonName, organisation, privateKey, publicKeyPem);
  const keyPem = request.passphrase
    ? privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: request.passphrase }).toString()
    : privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  const keyFile = path.join(request.outDir, `${commonName}.key`);
  const csrFile = path.join(request.outDir, `${commonName}.csr`);
  const instructionsFile = path.join(request.outDir, `${commonName}-instructions.txt`);
  try {
    await mkdir(request.outDir, { recursive: true });
    await writeNewFile(keyFile, keyPem, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError({
        code: 'invalid-argument',
        message: `There is already a key called ${commonName}.key in that folder. It may belong to a request still waiting for its certificate, so choose another folder.`,
        detail: keyFile,
      });
    }
    throw new AppError({
      code: 'disk-error',
      message: 'The key could not be saved in that folder. Choose a folder you can save files in.',
      detail: `${keyFile}: ${String(error)}`,
      cause: error,
    });
  }
  try {
    await rm(csrFile, { force: true });
    await writeNewFile(csrFile, csrPem, 0o644);
    await rm(instructionsFile, { force: true });
    await writeNewFile(instructionsFile, csrInstructions(commonName, path.basename(csrFile), path.basename(keyFile)), 0o644);
  } catch (error) {
    await rm(keyFile, { force: true });
    throw new AppError({
      code: 'disk-error',
      message: 'The certificate request could not be saved in that folder. Choose a folder you can save files in.',
      detail: `${csrFile}: ${String(error)}`,
      cause: error,
    });
  }
  return { commonName, keyFile, csrFile, instructionsFile };
}
