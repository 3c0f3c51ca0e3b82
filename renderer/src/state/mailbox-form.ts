/**
 * The "set up a mailbox" form as data, its checks, and the request it becomes.
 * Used by the first-run setup and by Settings.
 */
import type { CertificateInput, Environment, NewMailboxInput } from '../../../main/contract';
import type { FieldError } from './compose-form';

export type CertificateKind = 'pem' | 'pfx' | 'none';

export interface CertificateFields {
  kind: CertificateKind;
  certificatePath: string;
  keyPath: string;
  pfxPath: string;
  passphrase: string;
}

export interface MailboxForm {
  environment: Environment | '';
  customUrl: string;
  mailboxId: string;
  displayName: string;
  password: string;
  sharedKey: string;
  certificate: CertificateFields;
}

export const EMPTY_CERTIFICATE: CertificateFields = { kind: 'pem', certificatePath: '', keyPath: '', pfxPath: '', passphrase: '' };

export const EMPTY_MAILBOX_FORM: MailboxForm = {
  environment: '',
  customUrl: '',
  mailboxId: '',
  displayName: '',
  password: '',
  sharedKey: '',
  certificate: EMPTY_CERTIFICATE,
};

/** Names for environments, as MESH's own guidance calls them. */
export const ENVIRONMENT_WORDS: Record<Environment, { label: string; hint: string }> = {
  LIVE: { label: 'Live', hint: 'Real messages about real patients.' },
  DEP: { label: 'Deployment (DEP)', hint: 'For testing before going live.' },
  INT: { label: 'Integration (INT)', hint: 'For testing with other organisations.' },
  TRAINING: { label: 'Training sandbox', hint: 'Practice on this computer only. Nothing leaves it.' },
  CUSTOM: { label: 'Another address', hint: 'Only if your IT department gave you one.' },
};

/** The ids of the form's inputs, for labels and for the error summary's links. */
export const mailboxFieldIds = (prefix: string) => ({
  environment: `${prefix}-environment`,
  customUrl: `${prefix}-custom-url`,
  mailboxId: `${prefix}-mailbox-id`,
  displayName: `${prefix}-display-name`,
  password: `${prefix}-password`,
  sharedKey: `${prefix}-shared-key`,
  certificateKind: `${prefix}-certificate-kind`,
  certificatePath: `${prefix}-certificate-path`,
  keyPath: `${prefix}-key-path`,
  pfxPath: `${prefix}-pfx-path`,
  passphrase: `${prefix}-passphrase`,
});

// eslint-disable-next-line no-control-regex -- a path or id with control characters was pasted wrongly
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A file path's problem, if it has an obvious one (quotes pasted from Explorer's "Copy as path" are fine: they are removed). */
function pathError(path: string, what: string): string | undefined {
  const clean = cleanPath(path);
  if (!clean) return `Enter where the ${what} is saved on this computer`;
  if (CONTROL.test(clean)) return `The ${what} location contains a character that cannot be in a file path`;
  if (clean.length > 4096) return `The ${what} location is too long`;
  return undefined;
}

/** Removes the quotes Windows "Copy as path" puts round a path, and spaces at either end. */
export function cleanPath(path: string): string {
  return path
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();
}

/** The certificate fields' problems. */
export function validateCertificate(fields: CertificateFields, ids: ReturnType<typeof mailboxFieldIds>): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.kind === 'pem') {
    const cert = pathError(fields.certificatePath, 'certificate file');
    if (cert) errors.push({ field: ids.certificatePath, message: cert });
    const key = pathError(fields.keyPath, 'private key file');
    if (key) errors.push({ field: ids.keyPath, message: key });
  } else if (fields.kind === 'pfx') {
    const pfx = pathError(fields.pfxPath, 'PFX file');
    if (pfx) errors.push({ field: ids.pfxPath, message: pfx });
  }
  return errors;
}

/** Every problem with the mailbox form, in page order. */
export function validateMailboxForm(form: MailboxForm, prefix: string): FieldError[] {
  const ids = mailboxFieldIds(prefix);
  const errors: FieldError[] = [];
  if (!form.environment) errors.push({ field: ids.environment, message: 'Choose which MESH environment the mailbox is in' });
  if (form.environment === 'CUSTOM') {
    const url = form.customUrl.trim();
    if (!url) errors.push({ field: ids.customUrl, message: 'Enter the address your IT department gave you' });
    else if (!/^https:\/\/[^\s/]+/i.test(url)) errors.push({ field: ids.customUrl, message: 'Enter an address that starts with https://' });
  }
  const mailboxId = form.mailboxId.trim();
  if (!mailboxId) errors.push({ field: ids.mailboxId, message: 'Enter your mailbox ID' });
  else if (/\s/.test(mailboxId) || CONTROL.test(mailboxId))
    errors.push({ field: ids.mailboxId, message: 'The mailbox ID must not contain spaces' });
  else if (mailboxId.length > 20) errors.push({ field: ids.mailboxId, message: 'The mailbox ID must be 20 characters or fewer' });
  const name = form.displayName.trim();
  if (!name) errors.push({ field: ids.displayName, message: 'Enter a name for this mailbox, such as your team or practice' });
  else if (name.length > 100) errors.push({ field: ids.displayName, message: 'The name must be 100 characters or fewer' });
  if (!form.password) errors.push({ field: ids.password, message: 'Enter the mailbox password' });
  else if (form.password.length > 2000) errors.push({ field: ids.password, message: 'The password is too long' });
  if (form.sharedKey.length > 2000) errors.push({ field: ids.sharedKey, message: 'The shared secret is too long' });
  errors.push(...validateCertificate(form.certificate, ids));
  return errors;
}

/** The certificate part of a request, or undefined for "not yet". */
export function toCertificateInput(fields: CertificateFields): CertificateInput | undefined {
  const passphrase = fields.passphrase ? { passphrase: fields.passphrase } : {};
  if (fields.kind === 'pem')
    return { kind: 'pem', certificatePath: cleanPath(fields.certificatePath), keyPath: cleanPath(fields.keyPath), ...passphrase };
  if (fields.kind === 'pfx') return { kind: 'pfx', path: cleanPath(fields.pfxPath), ...passphrase };
  return undefined;
}

/** The request for main, with optional parts left out when empty. */
export function toNewMailboxInput(form: MailboxForm): NewMailboxInput {
  if (!form.environment) throw new Error('toNewMailboxInput needs an environment.');
  const input: NewMailboxInput = {
    environment: form.environment,
    mailboxId: form.mailboxId.trim().toUpperCase(),
    displayName: form.displayName.trim(),
    password: form.password,
  };
  if (form.environment === 'CUSTOM') input.customUrl = form.customUrl.trim();
  if (form.sharedKey) input.sharedKey = form.sharedKey;
  const certificate = toCertificateInput(form.certificate);
  if (certificate) input.certificate = certificate;
  return input;
}
