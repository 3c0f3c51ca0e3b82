/**
 * Machine-wide policy written by IT: one JSON file in a folder only
 * administrators can write. Policy always wins over a person's own settings
 * (see effective.ts).
 *
 * Locking rule:
 * - Without a `lock` list, every setting the policy gives a value for is locked:
 *   people see IT's value and cannot change it.
 * - With a `lock` list, exactly the listed settings are locked. A listed setting
 *   the policy gives no value for is locked at MESH Desktop's built-in default
 *   (for example `"lock": ["proxy"]` forces the system proxy). A setting the
 *   policy gives a value for but does not list is a starting value: it applies
 *   until the person changes that setting away from the built-in default
 *   (extra CA files are added to the person's own instead).
 * - `minimumPollIntervalMinutes` is a floor and always applies; locking
 *   `pollInterval` additionally fixes every mailbox at that interval.
 * - `environments` and `allowedEnvironments` always apply.
 * - Mailboxes the policy defines always appear and cannot be removed; locking
 *   `mailboxes` (the default when policy lists any) also stops people adding
 *   their own.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../shared/errors';
import { MAILBOX_ENVIRONMENTS, type MailboxEnvironment } from './environments';
import { issuePath } from './issues';
import {
  acknowledgeModeSchema,
  environmentSchema,
  mailboxIdentityKey,
  mailboxIdSchema,
  meshUrlSchema,
  pollIntervalSchema,
  strictFolderModeSchema,
  strictProxySettingsSchema,
} from './schema';

/** Settings IT can lock. */
export const LOCKABLE_SETTINGS = ['proxy', 'extraCaFiles', 'defaultDownloadFolder', 'updates', 'mailboxes', 'pollInterval'] as const;

export type LockableSetting = (typeof LOCKABLE_SETTINGS)[number];

const pathSchema = z.string().trim().min(1, { error: 'A file or folder path is empty.' });

const policyMailboxSchema = z.strictObject({
  // A predefined mailbox needs a fixed, known server; CUSTOM addresses are a person's own.
  environment: environmentSchema.exclude(['CUSTOM'], {
    error: 'A policy mailbox must be in INT, DEP, LIVE or TRAINING.',
  }),
  mailboxId: mailboxIdSchema,
  displayName: z.string().trim().min(1, { error: 'Give the mailbox a display name.' }).max(100),
  downloadFolder: pathSchema.optional(),
  acknowledge: acknowledgeModeSchema.optional(),
  /** IT can run a mailbox in folder mode (the Java MESH Client's IN/OUT folders); it is then locked. */
  folderMode: strictFolderModeSchema.optional(),
  /**
   * The mailbox's client certificate, where IT's deployment put it: a .pfx or
   * .p12 file, or a PEM certificate with `keyFile` for its private key. Only
   * the path: the certificate's password is a secret, so each person types it
   * once in Settings and it is kept in their keychain.
   */
  certificate: z
    .strictObject({
      file: pathSchema,
      keyFile: pathSchema.optional(),
    })
    .optional(),
});

/** The shortest retention policy may set for the audit trail: a month and a day, so a month is never cut short. */
export const AUDIT_RETENTION_MIN_DAYS = 32;
/** The longest: 100 years. */
export const AUDIT_RETENTION_MAX_DAYS = 36_500;

export const policySchema = z
  .strictObject({
    environments: z
      .strictObject({
        INT: meshUrlSchema.optional(),
        DEP: meshUrlSchema.optional(),
        LIVE: meshUrlSchema.optional(),
        TRAINING: meshUrlSchema.optional(),
      })
      .optional(),
    allowedEnvironments: z.array(environmentSchema).min(1, { error: 'allowedEnvironments must list at least one environment.' }).optional(),
    proxy: strictProxySettingsSchema.optional(),
    extraCaFiles: z.array(pathSchema).optional(),
    defaultDownloadFolder: pathSchema.optional(),
    minimumPollIntervalMinutes: pollIntervalSchema.optional(),
    /** Where the audit trail is kept instead of the data folder's `audit` folder (a share, for example). */
    auditFolder: pathSchema.optional(),
    /** Whole months of the audit trail older than this many days are removed, the removal recorded in the trail. */
    auditRetentionDays: z.number().int().min(AUDIT_RETENTION_MIN_DAYS).max(AUDIT_RETENTION_MAX_DAYS).optional(),
    updates: z.strictObject({ enabled: z.boolean() }).optional(),
    mailboxes: z.array(policyMailboxSchema).optional(),
    lock: z
      .array(
        z.enum(LOCKABLE_SETTINGS, {
          error: `lock may only list: ${LOCKABLE_SETTINGS.join(', ')}.`,
        }),
      )
      .optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.mailboxes?.forEach((mailbox, index) => {
      const key = mailboxIdentityKey(mailbox);
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mailboxes', index, 'mailboxId'],
          message: `Mailbox ${mailbox.mailboxId} in ${mailbox.environment} is listed twice.`,
        });
      }
      seen.add(key);
    });
  });

export type Policy = z.infer<typeof policySchema>;
export type PolicyMailbox = z.infer<typeof policyMailboxSchema>;

/** A policy file that exists but cannot be used. MESH Desktop will not connect while this stands. */
export interface PolicyProblem {
  path: string;
  /** What is wrong, in words IT can act on (names the bad key or line). */
  reason: string;
  error: AppError;
}

/**
 * `notices` are sentences IT should see in Settings and the log: a value
 * Group Policy set outside its range and what was used instead, a value this
 * version does not know, or why a Group Policy cannot be used.
 */
export type PolicyLoadResult =
  | { status: 'absent'; path: string; notices?: string[] }
  | { status: 'ok'; path: string; policy: Policy; notices?: string[] }
  | { status: 'broken'; path: string; problem: PolicyProblem; notices?: string[] };

/**
 * Where IT puts the policy file on each platform. Deliberately no environment
 * variable of our own: it would let a person point MESH Desktop at a policy they
 * wrote. (%ProgramData% is read from `env` because Windows can relocate it.)
 */
export function defaultPolicyPath(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  switch (platform) {
    case 'win32': {
      const programData = env['ProgramData'] ?? env['PROGRAMDATA'] ?? 'C:\\ProgramData';
      return path.win32.join(programData, 'MESH Desktop', 'policy.json');
    }
    case 'darwin':
      return '/Library/Application Support/MESH Desktop/policy.json';
    default:
      return '/etc/mesh-desktop/policy.json';
  }
}

// Key names that mean a secret, compared with punctuation and case removed.
const SECRET_KEY_WORDS = ['password', 'passphrase', 'passwd', 'secret', 'sharedkey', 'privatekey', 'apikey', 'token', 'credential'];
const SECRET_KEY_EXACT = ['pass', 'pwd', 'pin'];

/** True when an object key names a password, passphrase or other secret. */
export function isSecretKeyName(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_EXACT.includes(normalised) || SECRET_KEY_WORDS.some((word) => normalised.includes(word));
}

/** True when a value carries private key material. */
export function isSecretValue(value: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value);
}

/** Paths (like `mailboxes[0].password`) of everything in parsed JSON that looks like a secret. */
export function findSecrets(value: unknown, at: PropertyKey[] = []): string[] {
  if (typeof value === 'string') return isSecretValue(value) ? [issuePath(at)] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => findSecrets(item, [...at, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      isSecretKeyName(key) ? [issuePath([...at, key])] : findSecrets(inner, [...at, key]),
    );
  }
  return [];
}

/** One line per problem, naming unknown keys outright so a typo is easy to find. */
export function describePolicyIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const where = issue.path.length === 0 ? 'at the top level' : `inside ${issuePath(issue.path)}`;
        const names = issue.keys.map((key) => `"${key}"`).join(', ');
        return `Unknown setting ${names} ${where}; check the spelling against the MESH Desktop policy documentation.`;
      }
      return `${issuePath(issue.path)}: ${issue.message}`;
    })
    .join('\n');
}

/** Reads and validates policy text; `reason` explains a rejection. */
export function parsePolicy(text: string): { policy: Policy } | { reason: string } {
  let raw: unknown;
  try {
    // Notepad saves UTF-8 with a byte-order mark, which JSON.parse rejects.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { reason: `The file is not valid JSON (${(error as Error).message}).` };
  }
  const secrets = findSecrets(raw);
  if (secrets.length > 0) {
    return {
      reason:
        `The file contains what looks like a password, passphrase or key (${secrets.join(', ')}). ` +
        'Every user of this computer can read the policy file, so secrets must never be put in it: remove them, and change any password that was there.',
    };
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) return { reason: describePolicyIssues(parsed.error) };
  return { policy: parsed.data };
}

const MAX_POLICY_BYTES = 1024 * 1024;

function brokenPolicy(filePath: string, reason: string, cause?: unknown): PolicyLoadResult {
  const error = new AppError({
    code: 'policy-invalid',
    message: `Your organisation's MESH Desktop policy file at ${filePath} cannot be used, so MESH Desktop will not connect to MESH until it is fixed. Contact your IT service desk.`,
    detail: reason,
    cause,
  });
  return { status: 'broken', path: filePath, problem: { path: filePath, reason, error } };
}

/**
 * Loads the policy at `filePath`. A missing file means no policy. A file that
 * exists but cannot be read or fails validation is reported as broken, never
 * ignored: we fail closed (no connections) rather than guess, because a policy
 * we cannot read may have been meant to forbid LIVE or force a proxy, and
 * "the strictest reading" of a file we cannot parse is not knowable.
 */
export async function loadPolicy(filePath: string): Promise<PolicyLoadResult> {
  let text: string;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) return brokenPolicy(filePath, 'The policy path is a folder, not a file.');
    if (info.size > MAX_POLICY_BYTES) return brokenPolicy(filePath, 'The policy file is larger than 1 MiB.');
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'absent', path: filePath };
    return brokenPolicy(filePath, `The policy file could not be read (${code ?? String(error)}).`, error);
  }
  const parsed = parsePolicy(text);
  if ('reason' in parsed) return brokenPolicy(filePath, parsed.reason);
  return { status: 'ok', path: filePath, policy: parsed.policy };
}

/** Which settings the policy locks, applying the rule described at the top of this file. */
export function lockedSettings(policy: Policy): Set<LockableSetting> {
  if (policy.lock) return new Set(policy.lock);
  const locked = new Set<LockableSetting>();
  if (policy.proxy) locked.add('proxy');
  if (policy.extraCaFiles) locked.add('extraCaFiles');
  if (policy.defaultDownloadFolder) locked.add('defaultDownloadFolder');
  if (policy.updates) locked.add('updates');
  if (policy.mailboxes && policy.mailboxes.length > 0) locked.add('mailboxes');
  return locked;
}

/** The environments this policy allows (all of them when it does not say). */
export function allowedEnvironments(policy: Policy | undefined): readonly MailboxEnvironment[] {
  return policy?.allowedEnvironments ?? MAILBOX_ENVIRONMENTS;
}
