import { Radios, TextField } from './fields';
import { errorFor } from './ErrorSummary';
import type { FieldError } from '../state/compose-form';
import type { CertificateFields, CertificateKind, mailboxFieldIds } from '../state/mailbox-form';

interface CertificateInputsProps {
  ids: ReturnType<typeof mailboxFieldIds>;
  value: CertificateFields;
  onChange(value: CertificateFields): void;
  errors: FieldError[];
  /** Offer "I do not have one yet" (not when replacing a certificate). */
  allowNone?: boolean;
  disabled?: boolean;
}

const PATH_HINT = 'In File Explorer, hold Shift, right-click the file and choose “Copy as path”, then paste it here.';

/**
 * The certificate as file paths. There is no file picker that gives the page
 * a path (Electron's file input hides it, and the contract has none), so
 * paths are typed or pasted, with a hint on how to copy one.
 */
export function CertificateInputs({ ids, value, onChange, errors, allowNone = true, disabled }: CertificateInputsProps) {
  const set = (patch: Partial<CertificateFields>) => onChange({ ...value, ...patch });
  const options: { value: CertificateKind; label: string; hint?: string }[] = [
    { value: 'pem', label: 'A certificate file and a separate key file', hint: 'Files ending .crt, .cer or .pem, and .key' },
    { value: 'pfx', label: 'One file holding both', hint: 'A file ending .pfx or .p12' },
  ];
  if (allowNone)
    options.push({
      value: 'none',
      label: 'I do not have a certificate yet',
      hint: 'You can add it later in Settings. MESH will refuse to connect until you do.',
    });
  return (
    <Radios<CertificateKind>
      id={ids.certificateKind}
      label="How was your certificate given to you?"
      hint="MESH checks this certificate to know the connection comes from your organisation."
      value={value.kind}
      onChange={(kind) => set({ kind })}
      disabled={disabled}
      options={options}
      reveal={{
        pem: (
          <>
            <TextField
              id={ids.certificatePath}
              label="Certificate file location"
              hint={PATH_HINT}
              width="full"
              code
              value={value.certificatePath}
              error={errorFor(errors, ids.certificatePath)}
              onChange={(certificatePath) => set({ certificatePath })}
              disabled={disabled}
            />
            <TextField
              id={ids.keyPath}
              label="Private key file location"
              width="full"
              code
              value={value.keyPath}
              error={errorFor(errors, ids.keyPath)}
              onChange={(keyPath) => set({ keyPath })}
              disabled={disabled}
            />
            <TextField
              id={ids.passphrase}
              label="Key password (if it has one)"
              type="password"
              width={20}
              value={value.passphrase}
              onChange={(passphrase) => set({ passphrase })}
              disabled={disabled}
            />
          </>
        ),
        pfx: (
          <>
            <TextField
              id={ids.pfxPath}
              label="Certificate file location"
              hint={PATH_HINT}
              width="full"
              code
              value={value.pfxPath}
              error={errorFor(errors, ids.pfxPath)}
              onChange={(pfxPath) => set({ pfxPath })}
              disabled={disabled}
            />
            <TextField
              id={ids.passphrase}
              label="Certificate password (if it has one)"
              type="password"
              width={20}
              value={value.passphrase}
              onChange={(passphrase) => set({ passphrase })}
              disabled={disabled}
            />
          </>
        ),
      }}
    />
  );
}
