/**
 * Passwords and passphrases, kept in the operating system's keychain (Windows
 * Credential Manager, macOS Keychain, the Secret Service on Linux) through
 * keytar. Nothing here writes a secret anywhere else, logs one, or returns one
 * in a form meant for the settings file.
 *
 * Account naming (all under the service "MESH Desktop"):
 *   mailbox-password/<profile id>          a mailbox's MESH password
 *   certificate-passphrase/<profile id>    passphrase of a profile's private key or PFX
 *   environment-shared-secret/<ENV>        the MESH shared secret of INT, DEP, LIVE, …
 *   proxy-password                         the password for the manual proxy's user
 * Profile ids are UUIDs, so an account name can never be mistaken for another.
 */
import { AppError } from '../shared/errors';
import { MAILBOX_ENVIRONMENTS, type MailboxEnvironment } from '../settings/environments';

export const KEYCHAIN_SERVICE = 'MESH Desktop';

/** Windows Credential Manager holds at most 2,560 bytes per credential; stay under it. */
export const MAX_SECRET_BYTES = 2500;

/** Which secret: one of four kinds, keyed by profile or environment. */
export type SecretRef =
  | { kind: 'mailbox-password'; profileId: string }
  | { kind: 'certificate-passphrase'; profileId: string }
  | { kind: 'environment-shared-secret'; environment: MailboxEnvironment }
  | { kind: 'proxy-password' };

export type SecretKind = SecretRef['kind'];

/** The part of keytar we use. */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string, detail?: string): AppError {
  return new AppError({ code: 'invalid-argument', message, ...(detail === undefined ? {} : { detail }) });
}

function checkProfileId(profileId: string): string {
  if (!UUID.test(profileId))
    throw invalid('That mailbox could not be found. Close this window and try again.', `bad profile id ${JSON.stringify(profileId)}`);
  return profileId.toLowerCase();
}

/** The keychain account name for a secret (see the scheme at the top of this file). */
export function secretAccountName(ref: SecretRef): string {
  switch (ref.kind) {
    case 'mailbox-password':
    case 'certificate-passphrase':
      return `${ref.kind}/${checkProfileId(ref.profileId)}`;
    case 'environment-shared-secret':
      if (!MAILBOX_ENVIRONMENTS.includes(ref.environment)) {
        throw invalid('That MESH environment is not known.', `bad environment ${JSON.stringify(ref.environment)}`);
      }
      return `${ref.kind}/${ref.environment}`;
    case 'proxy-password':
      return ref.kind;
  }
}

/** Why a value cannot be stored as a secret, or undefined when it can. */
export function secretValueProblem(value: string): string | undefined {
  if (value.length === 0) return 'The password is empty. Enter it, or remove it instead.';
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(value)) {
    return 'That looks like a key or certificate, not a password. Import certificates and keys in the certificate settings instead.';
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    return `That password is too long to keep safely (the limit is ${MAX_SECRET_BYTES} bytes). Check you pasted the password and nothing else.`;
  }
  return undefined;
}

function keychainName(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'Windows Credential Manager';
  if (platform === 'darwin') return 'your Mac’s keychain';
  return 'the system keyring (Secret Service)';
}

function unavailable(cause: unknown, action: string): AppError {
  const where = keychainName(process.platform);
  const advice =
    process.platform === 'linux'
      ? 'Make sure a keyring such as GNOME Keyring is installed, running and unlocked, then try again.'
      : 'Restart your computer and try again; if it keeps happening, contact your IT service desk.';
  return new AppError({
    code: 'keychain-unavailable',
    message: `MESH Desktop could not use ${where}, where it keeps your passwords safe. ${advice}`,
    // Only keytar's own words and the account name: never the value.
    detail: `${action}: ${cause instanceof Error ? cause.message : String(cause)}`,
    transient: true,
    cause,
  });
}

export interface SecretStoreOptions {
  /** Keychain service name; tests use their own so they never touch real entries. */
  service?: string;
}

/** Passwords and passphrases in the OS keychain. */
export class SecretStore {
  readonly service: string;
  private keytar: Promise<Keytar> | undefined;

  constructor(options: SecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
  }

  /** The secret, or undefined when none is stored. */
  async get(ref: SecretRef): Promise<string | undefined> {
    const account = secretAccountName(ref);
    const value = await this.call(`reading ${account}`, (keytar) => keytar.getPassword(this.service, account));
    return value ?? undefined;
  }

  /** True when a secret is stored (without handing it out). */
  async has(ref: SecretRef): Promise<boolean> {
    return (await this.get(ref)) !== undefined;
  }

  /** Stores a secret, replacing any earlier one. Refuses empty, oversized and key-like values. */
  async set(ref: SecretRef, value: string): Promise<void> {
    const account = secretAccountName(ref);
    const problem = secretValueProblem(value);
    if (problem) throw invalid(problem, `refused value for ${account} (${Buffer.byteLength(value, 'utf8')} bytes)`);
    await this.call(`writing ${account}`, (keytar) => keytar.setPassword(this.service, account, value));
  }

  /** Removes a secret; true when there was one. */
  async delete(ref: SecretRef): Promise<boolean> {
    const account = secretAccountName(ref);
    return this.call(`deleting ${account}`, (keytar) => keytar.deletePassword(this.service, account));
  }

  /** Removes every secret belonging to a mailbox profile (password and passphrase). */
  async deleteAllFor(profileId: string): Promise<void> {
    const id = checkProfileId(profileId);
    const credentials = await this.call('listing secrets', (keytar) => keytar.findCredentials(this.service));
    const accounts = new Set([`mailbox-password/${id}`, `certificate-passphrase/${id}`]);
    for (const { account } of credentials) {
      if (account.toLowerCase().endsWith(`/${id}`)) accounts.add(account);
    }
    for (const account of accounts) {
      await this.call(`deleting ${account}`, (keytar) => keytar.deletePassword(this.service, account));
    }
  }

  private async call<T>(action: string, use: (keytar: Keytar) => Promise<T>): Promise<T> {
    const keytar = await this.load();
    try {
      return await use(keytar);
    } catch (error) {
      throw unavailable(error, action);
    }
  }

  /** Loads keytar on first use; a failed load is retried next time (the keyring may come back). */
  private load(): Promise<Keytar> {
    this.keytar ??= import('keytar').then(
      (module) => (module as { default?: Keytar }).default ?? (module as unknown as Keytar),
      (error: unknown) => {
        this.keytar = undefined;
        throw unavailable(error, 'loading keytar');
      },
    );
    return this.keytar;
  }
}
