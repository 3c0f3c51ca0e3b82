/**
 * One entry of the audit trail: what was done through MESH from this computer,
 * when, in which mailbox, and by whom. The schema is strict (an unknown field
 * is refused when writing), because the record must never carry a secret or a
 * file's contents, and a field nobody reviewed is where one would slip in.
 *
 * Entries are written as one canonical JSON line each (canonical.ts) with the
 * hash of the entry before them (`prev`) and their own (`hash`), so the trail
 * is a hash chain (chain.ts).
 */
import { z } from 'zod';

/** Version of the entry format; a later version adds a value here, never changes an old one. */
export const AUDIT_FORMAT_VERSION = 1;

/** The hash the first entry of a trail follows. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_ACTIONS = [
  'message-sent',
  'send-failed',
  'send-cancelled',
  'message-received',
  'receive-failed',
  'receive-cancelled',
  'message-acknowledged',
  'message-filed',
  'non-delivery-report',
  'mailbox-added',
  'mailbox-removed',
  'certificate-imported',
  'certificate-expiring',
  'policy-applied',
  'audit-repaired',
  'audit-pruned',
] as const;

export const auditActionSchema = z.enum(AUDIT_ACTIONS);

/** What an entry records. */
export type AuditAction = z.infer<typeof auditActionSchema>;

export const AUDIT_VIAS = ['window', 'command-line', 'folder-mode'] as const;

/** Which part of MESH Desktop acted: the window, the `mesh-desktop` command line, or folder mode's service. */
export type AuditVia = (typeof AUDIT_VIAS)[number];

/** Whether an action moved a message out, in, or neither (for filters and summaries). */
export type AuditDirection = 'sent' | 'received' | 'other';

const HASH = z.string().regex(/^[0-9a-f]{64}$/);
const text = (max: number) => z.string().max(max);

export const auditActorSchema = z
  .object({
    /** The operating-system account (DOMAIN\name on Windows where the domain is known). */
    account: text(256),
    /** The computer's name. */
    host: text(256),
    via: z.enum(AUDIT_VIAS),
    /** The process that wrote the entry, so entries of one run can be told apart. */
    pid: z.number().int().nonnegative(),
  })
  .strict();

export type AuditActor = z.infer<typeof auditActorSchema>;

export const auditMailboxSchema = z
  .object({
    /** The MESH mailbox ID, e.g. X26ABC1. */
    id: text(64),
    /** INT, DEP, LIVE, TRAINING, CUSTOM, or the server's address for the command line's --url. */
    environment: text(512),
  })
  .strict();

export type AuditMailbox = z.infer<typeof auditMailboxSchema>;

/** What MESH says about a message: never its contents. */
export const auditMessageSchema = z
  .object({
    messageId: text(128).optional(),
    localId: text(512).optional(),
    from: text(64).optional(),
    to: text(64).optional(),
    workflowId: text(256).optional(),
    subject: text(1024).optional(),
    fileName: text(1024).optional(),
    /** Bytes of the file as sent or saved. */
    size: z.number().int().nonnegative().optional(),
    /** The checksum that went with the file ("sha256:<hex>" for sends that carried one), when there was one. */
    checksum: text(256).optional(),
    /** SHA-256 (hex) of the file's bytes as sent or saved (before any compression for the journey). */
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** Where the received file was saved (or filed, in folder mode). */
    savedTo: text(4096).optional(),
    /** For a non-delivery report: the message it is about. */
    linkedMessageId: text(128).optional(),
  })
  .strict();

export type AuditMessage = z.infer<typeof auditMessageSchema>;

export const auditCertificateSchema = z
  .object({
    subject: text(1024).optional(),
    notAfter: text(64).optional(),
    /** SHA-256 fingerprint of the certificate (public; identifies it without holding it). */
    fingerprint: text(128).optional(),
  })
  .strict();

export const auditOutcomeSchema = z.enum(['ok', 'failed', 'cancelled']);

export type AuditOutcome = z.infer<typeof auditOutcomeSchema>;

/** What a caller says about an action; the trail adds when, who, seq and the hashes. */
export const auditFactsSchema = z
  .object({
    action: auditActionSchema,
    outcome: auditOutcomeSchema,
    mailbox: auditMailboxSchema.optional(),
    message: auditMessageSchema.optional(),
    certificate: auditCertificateSchema.optional(),
    /** A sentence for a person: why it failed, what the policy set, what a repair did. */
    reason: text(2048).optional(),
    /** The error code, when it failed. */
    code: text(128).optional(),
    /** For audit-pruned: the range removed under the retention rule, summarised by its last hash. */
    pruned: z
      .object({
        fromSeq: z.number().int().positive(),
        toSeq: z.number().int().positive(),
        fromAt: z.string(),
        toAt: z.string(),
        lastHash: HASH,
        files: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AuditFacts = z.infer<typeof auditFactsSchema>;

/** One entry as it is stored. */
export const auditEntrySchema = auditFactsSchema
  .extend({
    v: z.literal(AUDIT_FORMAT_VERSION),
    /** 1, 2, 3… across every file of the trail. */
    seq: z.number().int().positive(),
    /** When, in UTC (ISO 8601). */
    at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    /** The same moment on this computer's clock, with its offset from UTC. */
    local: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/),
    /** The computer's time zone (IANA name), so `local` can be read as people saw it. */
    zone: text(64),
    actor: auditActorSchema,
    prev: HASH,
    hash: HASH,
  })
  .strict();

export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** The direction an action belongs to. */
export function directionOf(action: AuditAction): AuditDirection {
  switch (action) {
    case 'message-sent':
    case 'send-failed':
    case 'send-cancelled':
    case 'non-delivery-report':
      return 'sent';
    case 'message-received':
    case 'receive-failed':
    case 'receive-cancelled':
    case 'message-acknowledged':
    case 'message-filed':
      return 'received';
    default:
      return 'other';
  }
}

/** A moment as local wall-clock time with its UTC offset, e.g. 2026-03-05T10:12:00.000+00:00. */
export function localTimestamp(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, -1);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
