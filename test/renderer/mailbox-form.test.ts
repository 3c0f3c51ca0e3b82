import { describe, expect, it } from 'vitest';
import {
  EMPTY_CERTIFICATE,
  EMPTY_MAILBOX_FORM,
  cleanPath,
  toCertificateInput,
  toNewMailboxInput,
  validateMailboxForm,
  type MailboxForm,
} from '../../renderer/src/state/mailbox-form';

const complete = (overrides: Partial<MailboxForm> = {}): MailboxForm => ({
  ...EMPTY_MAILBOX_FORM,
  environment: 'INT',
  mailboxId: 'x26abc1',
  displayName: 'Riverside',
  password: 'secret',
  certificate: { ...EMPTY_CERTIFICATE, kind: 'pem', certificatePath: 'C:\\certs\\a.crt', keyPath: 'C:\\certs\\a.key' },
  ...overrides,
});
const fields = (form: MailboxForm) => validateMailboxForm(form, 'setup').map((e) => e.field);

describe('validateMailboxForm', () => {
  it('passes a complete form', () => {
    expect(validateMailboxForm(complete(), 'setup')).toEqual([]);
  });

  it('lists every missing answer in page order', () => {
    expect(fields(EMPTY_MAILBOX_FORM)).toEqual([
      'setup-environment',
      'setup-mailbox-id',
      'setup-display-name',
      'setup-password',
      'setup-certificate-path',
      'setup-key-path',
    ]);
  });

  it('needs an https address for a custom environment', () => {
    expect(fields(complete({ environment: 'CUSTOM', customUrl: '' }))).toEqual(['setup-custom-url']);
    expect(fields(complete({ environment: 'CUSTOM', customUrl: 'http://mesh.local' }))).toEqual(['setup-custom-url']);
    expect(fields(complete({ environment: 'CUSTOM', customUrl: 'https://mesh.local:8700' }))).toEqual([]);
  });

  it('refuses a mailbox ID with spaces or over 20 characters', () => {
    expect(fields(complete({ mailboxId: 'X26 ABC' }))).toEqual(['setup-mailbox-id']);
    expect(fields(complete({ mailboxId: 'X'.repeat(21) }))).toEqual(['setup-mailbox-id']);
  });

  it('needs the PFX path for a PFX, and nothing for "not yet"', () => {
    expect(fields(complete({ certificate: { ...EMPTY_CERTIFICATE, kind: 'pfx' } }))).toEqual(['setup-pfx-path']);
    expect(fields(complete({ certificate: { ...EMPTY_CERTIFICATE, kind: 'none' } }))).toEqual([]);
  });
});

describe('building the request', () => {
  it('trims, upper-cases the mailbox ID and leaves out empty parts', () => {
    expect(toNewMailboxInput(complete({ displayName: ' Riverside ', certificate: { ...EMPTY_CERTIFICATE, kind: 'none' } }))).toEqual({
      environment: 'INT',
      mailboxId: 'X26ABC1',
      displayName: 'Riverside',
      password: 'secret',
    });
  });

  it('includes the shared secret, custom address and certificate when given', () => {
    expect(toNewMailboxInput(complete({ environment: 'CUSTOM', customUrl: ' https://m ', sharedKey: 'k' }))).toEqual({
      environment: 'CUSTOM',
      customUrl: 'https://m',
      mailboxId: 'X26ABC1',
      displayName: 'Riverside',
      password: 'secret',
      sharedKey: 'k',
      certificate: { kind: 'pem', certificatePath: 'C:\\certs\\a.crt', keyPath: 'C:\\certs\\a.key' },
    });
  });

  it('removes the quotes of "Copy as path"', () => {
    expect(cleanPath(' "C:\\My Certs\\a.pfx" ')).toBe('C:\\My Certs\\a.pfx');
    expect(toCertificateInput({ ...EMPTY_CERTIFICATE, kind: 'pfx', pfxPath: '"C:\\a.pfx"', passphrase: 'pw' })).toEqual({
      kind: 'pfx',
      path: 'C:\\a.pfx',
      passphrase: 'pw',
    });
    expect(toCertificateInput({ ...EMPTY_CERTIFICATE, kind: 'none' })).toBeUndefined();
  });
});
