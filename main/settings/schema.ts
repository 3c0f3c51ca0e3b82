/**
 * The shape of a person's settings file, checked at every load and every change.
 * Secrets never appear here: passwords and passphrases live in the OS keychain
 * (main/secrets), so nothing in this schema can hold one.
 */
import { z } from 'zod';
import { validateBaseUrl } from '../mesh/environments';
import { MAILBOX_ENVIRONMENTS } from './environments';

export const environmentSchema = z.enum(MAILBOX_ENVIRONMENTS, {
  error: `The environment must be one of ${MAILBOX_ENVIRONMENTS.join(', ')}.`,
});

/** MESH mailbox IDs are upper case (mesh-api.md §1.2); we accept lower case and correct it. */
export const mailboxIdSchema = z
  .string({ error: 'Enter the mailbox ID.' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{5,20}$/, {
    error: 'The mailbox ID must be 5 to 20 letters or digits, like X26ABC1.',
  });

/** Why a MESH server address is unacceptable, or undefined when it is fine. */
export function meshUrlProblem(value: string): string | undefined {
  return validateBaseUrl(value)?.message;
}

/** A MESH base URL, stored without a trailing slash. */
export const meshUrlSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = meshUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** Why a proxy address is unacceptable, or undefined when it is fine. */
export function proxyUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'The proxy address must be a full address, like http://proxy.example.nhs.uk:8080.';
  }
  if (url.username || url.password) {
    return 'Put the proxy user name in its own box; the proxy password is kept in the keychain, never in the address.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The proxy address must start with http:// or https://.';
  }
  return undefined;
}

const proxyUrlSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = proxyUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const proxyFields = {
  mode: z.enum(['system', 'manual', 'none'], {
    error: 'The proxy mode must be system, manual or none.',
  }),
  url: proxyUrlSchema.optional(),
  username: z.string().trim().min(1).max(256).optional(),
  noProxy: z.string().trim().max(4000).optional(),
};

function requireUrlForManualProxy(proxy: { mode: string; url?: string | undefined }, ctx: z.RefinementCtx): void {
  if (proxy.mode === 'manual' && !proxy.url) {
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message: 'Enter the proxy address, or choose to use the system proxy.',
    });
  }
}

export const proxySettingsSchema = z.object(proxyFields).superRefine(requireUrlForManualProxy);

/** The same proxy shape, but unknown keys are errors (used by policy). */
export const strictProxySettingsSchema = z.strictObject(proxyFields).superRefine(requireUrlForManualProxy);

const filePathSchema = z.string().trim().min(1, { error: 'A file or folder path is empty.' });

/** Where a profile's imported certificate lives, inside the app's data folder. */
export const certificateRefSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('pem'),
    certFile: filePathSchema,
    keyFile: filePathSchema,
    keyEncrypted: z.boolean(),
  }),
  z.object({ kind: z.literal('pfx'), file: filePathSchema }),
]);

export const acknowledgeModeSchema = z.enum(['after-save', 'manual'], {
  error: 'Acknowledge must be after-save or manual.',
});

export const MIN_POLL_INTERVAL_MINUTES = 5;
export const MAX_POLL_INTERVAL_MINUTES = 1440;

export const pollIntervalSchema = z
  .int({ error: 'The check interval must be a whole number of minutes.' })
  .min(MIN_POLL_INTERVAL_MINUTES, {
    error: 'MESH allows checking a mailbox at most every 5 minutes.',
  })
  .max(MAX_POLL_INTERVAL_MINUTES, {
    error: 'MESH mailboxes must be checked at least once a day (1440 minutes).',
  });

const folderModeFields = {
  enabled: z.boolean({ error: 'Folder mode must be switched on (true) or off (false).' }),
  /** The mailbox's own folder (the Java MESH Client's InterfaceRoot), holding IN, OUT, SENT, FAILED and TEMP. */
  folder: z.string().trim().min(1, { error: 'Choose the folder that holds this mailbox’s IN, OUT, SENT, FAILED and TEMP folders.' }),
};

const plainFileDefaultsFields = {
  to: mailboxIdSchema,
  workflowId: z
    .string({ error: 'Enter the workflow ID for files dropped without a control file.' })
    .trim()
    .min(1, { error: 'Enter the workflow ID for files dropped without a control file.' })
    .max(255, { error: 'The workflow ID must be 255 characters or fewer.' }),
  subject: z.string().trim().max(500, { error: 'The subject must be 500 characters or fewer.' }).optional(),
};

/**
 * Folder mode: send every file dropped in the mailbox folder's OUT and save
 * every received message in IN, as the NHS Java MESH Client does.
 * plainFileDefaults: where files dropped without a control file go (else they wait).
 */
export const folderModeSchema = z.object({
  ...folderModeFields,
  plainFileDefaults: z.object(plainFileDefaultsFields).optional(),
});

/** The same folder-mode shape, but unknown keys are errors (used by policy). */
export const strictFolderModeSchema = z.strictObject({
  ...folderModeFields,
  plainFileDefaults: z.strictObject(plainFileDefaultsFields).optional(),
});

export const mailboxProfileSchema = z
  .object({
    id: z.uuid({ error: 'The mailbox profile id must be a UUID.' }),
    environment: environmentSchema,
    customUrl: meshUrlSchema.optional(),
    mailboxId: mailboxIdSchema,
    displayName: z
      .string()
      .trim()
      .min(1, { error: 'Enter a name for this mailbox.' })
      .max(100, { error: 'The mailbox name must be 100 characters or fewer.' }),
    certificate: certificateRefSchema.optional(),
    downloadFolder: z.string().trim().min(1, { error: 'Choose a folder to save received files in.' }),
    pollIntervalMinutes: pollIntervalSchema.default(MIN_POLL_INTERVAL_MINUTES),
    acknowledge: acknowledgeModeSchema.default('after-save'),
    extraCaFiles: z.array(filePathSchema).default([]),
    folderMode: folderModeSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    if (profile.environment === 'CUSTOM' && !profile.customUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['customUrl'],
        message: 'Enter the server address for this mailbox.',
      });
    }
  });

/** Two profiles clash when they would talk to the same mailbox on the same server. */
export function mailboxIdentityKey(profile: { environment: string; mailboxId: string; customUrl?: string | undefined }): string {
  const server = profile.environment === 'CUSTOM' ? `@${profile.customUrl ?? ''}` : '';
  return `${profile.environment}${server}/${profile.mailboxId.toUpperCase()}`;
}

export const DEFAULT_MAX_CONCURRENT_TRANSFERS = 3;

export const appSettingsSchema = z
  .object({
    version: z.literal(1, {
      error: 'This settings file was written by a different version of MESH Desktop.',
    }),
    mailboxes: z.array(mailboxProfileSchema).default([]),
    activeMailboxId: z.uuid().optional(),
    proxy: proxySettingsSchema.default({ mode: 'system' }),
    extraCaFiles: z.array(filePathSchema).default([]),
    defaultDownloadFolder: z.string().trim().min(1).optional(),
    // MESH chunks are at most 100 MB; mesh-client defaults to 75 MiB.
    chunkSizeMiB: z
      .int({ error: 'The chunk size must be a whole number of MiB.' })
      .min(1, { error: 'The chunk size must be at least 1 MiB.' })
      .max(95, { error: 'The chunk size must be 95 MiB or less (MESH limits chunks to 100 MB).' })
      .optional(),
    maxConcurrentTransfers: z
      .int({ error: 'The number of transfers at once must be a whole number.' })
      .min(1, { error: 'Allow at least 1 transfer at once.' })
      .max(8, { error: 'Allow at most 8 transfers at once.' })
      .default(DEFAULT_MAX_CONCURRENT_TRANSFERS),
    notifications: z.boolean().default(true),
    updates: z.object({ enabled: z.boolean() }).default({ enabled: true }),
  })
  .superRefine((settings, ctx) => {
    const ids = new Set<string>();
    const identities = new Set<string>();
    settings.mailboxes.forEach((profile, index) => {
      if (ids.has(profile.id)) {
        ctx.addIssue({ code: 'custom', path: ['mailboxes', index, 'id'], message: 'Two mailboxes share the same id.' });
      }
      const identity = mailboxIdentityKey(profile);
      if (identities.has(identity)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mailboxes', index, 'mailboxId'],
          message: `Mailbox ${profile.mailboxId} in ${profile.environment} is listed twice.`,
        });
      }
      ids.add(profile.id);
      identities.add(identity);
    });
  });

export type MailboxProfile = z.infer<typeof mailboxProfileSchema>;
/** What callers may pass when creating or replacing a profile (defaults not yet applied). */
export type MailboxProfileInput = z.input<typeof mailboxProfileSchema>;
export type CertificateRef = z.infer<typeof certificateRefSchema>;
export type ProxySettings = z.infer<typeof proxySettingsSchema>;
export type AcknowledgeMode = z.infer<typeof acknowledgeModeSchema>;
export type FolderModeSettings = z.infer<typeof folderModeSchema>;
export type AppSettings = z.infer<typeof appSettingsSchema>;
export type AppSettingsInput = z.input<typeof appSettingsSchema>;
export type { MailboxEnvironment } from './environments';

/** A fresh settings object: no mailboxes, system proxy, three transfers at once. */
export function defaultSettings(): AppSettings {
  return appSettingsSchema.parse({ version: 1 });
}
