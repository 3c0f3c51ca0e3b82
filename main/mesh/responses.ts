import { z } from 'zod';
import { parseMeshDateTime } from './timestamps';

/**
 * Readers for MESH's JSON answers. Each accepts the v2 shape we ask for and,
 * where cheap, the v1 shape, because a server that ignores our Accept header
 * must not break the app. They return undefined when the body is unusable.
 */

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const inboxPageSchema = z.looseObject({
  messages: z.array(z.string()),
  links: z.looseObject({ self: z.string().optional(), next: z.string().optional() }).optional(),
  approx_inbox_count: z.number().optional(),
});

/** One page of the inbox listing. */
export interface InboxPage {
  messageIds: string[];
  /** The server's link to the next page (usually a relative path), when there is one. */
  next?: string;
  approxInboxCount?: number;
}

/** Reads GET /inbox (v2 with links and approx_inbox_count; v1's bare messages list too). */
export function parseInboxPage(body: string): InboxPage | undefined {
  const parsed = inboxPageSchema.safeParse(parseJson(body));
  if (!parsed.success) return undefined;
  const page: InboxPage = { messageIds: parsed.data.messages };
  if (parsed.data.links?.next) page.next = parsed.data.links.next;
  if (parsed.data.approx_inbox_count !== undefined) page.approxInboxCount = parsed.data.approx_inbox_count;
  return page;
}

const countSchema = z.looseObject({ count: z.number().int().nonnegative() });

/** Reads GET /count. */
export function parseInboxCount(body: string): number | undefined {
  const parsed = countSchema.safeParse(parseJson(body));
  return parsed.success ? parsed.data.count : undefined;
}

const sendResultSchema = z.union([
  z.looseObject({ message_id: z.string().min(1) }).transform((value) => value.message_id),
  z.looseObject({ messageID: z.string().min(1) }).transform((value) => value.messageID),
]);

/** Reads the message id from POST /outbox's 202 (v2 message_id, v1 messageID). */
export function parseSendResult(body: string): string | undefined {
  const parsed = sendResultSchema.safeParse(parseJson(body));
  return parsed.success ? parsed.data : undefined;
}

/** A mailbox found by endpoint lookup or workflow search. */
export interface MailboxMatch {
  mailboxId: string;
  mailboxName: string;
}

const mailboxResultSchema = z.union([
  z.looseObject({ mailbox_id: z.string(), mailbox_name: z.string().nullish() }).transform((value) => ({
    mailboxId: value.mailbox_id,
    mailboxName: value.mailbox_name ?? '',
  })),
  z.looseObject({ address: z.string(), description: z.string().nullish() }).transform((value) => ({
    mailboxId: value.address,
    mailboxName: value.description ?? '',
  })),
]);
const mailboxResultsSchema = z.looseObject({ results: z.array(mailboxResultSchema) });

/** Reads endpoint lookup / workflow search results (v2 mailbox_id/name; v1 address/description). */
export function parseMailboxMatches(body: string): MailboxMatch[] | undefined {
  const parsed = mailboxResultsSchema.safeParse(parseJson(body));
  return parsed.success ? parsed.data.results : undefined;
}

/** Where a sent message is, normalised from v2 (snake_case) or v1 (camelCase) tracking. */
export interface TrackingInfo {
  messageId: string;
  localId?: string;
  workflowId?: string;
  fileName?: string;
  recipient: {
    mailboxId?: string;
    name?: string;
    odsCode?: string;
    orgCode?: string;
    orgName?: string;
  };
  /** Lower case: uploading, accepted, acknowledged, undeliverable, error… */
  status?: string;
  statusSuccess?: boolean;
  statusEvent?: string;
  statusCode?: string;
  statusDescription?: string;
  statusTimestamp?: Date;
  uploadTimestamp?: Date;
  expiryTime?: Date;
  /** The body as MESH sent it, for diagnostics. */
  raw: Record<string, unknown>;
}

function pick(record: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function text(record: Record<string, unknown>, ...keys: string[]): string | undefined {
  const value = pick(record, ...keys);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function time(record: Record<string, unknown>, ...keys: string[]): Date | undefined {
  const value = pick(record, ...keys);
  return typeof value === 'string' ? parseMeshDateTime(value) : undefined;
}

function success(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const normalised = value.trim().toUpperCase();
  if (normalised === 'SUCCESS' || normalised === 'TRUE') return true;
  if (normalised === 'ERROR' || normalised === 'FALSE') return false;
  return undefined;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** Reads GET /outbox/tracking; both timestamp styles (yyyyMMddHHmmss and ISO) are understood. */
export function parseTracking(body: string): TrackingInfo | undefined {
  const parsed = parseJson(body);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const messageId = text(record, 'message_id', 'messageId', 'messageID');
  if (!messageId) return undefined;
  const info: TrackingInfo = withoutUndefined({
    messageId,
    localId: text(record, 'local_id', 'localId'),
    workflowId: text(record, 'workflow_id', 'workflowId'),
    fileName: text(record, 'filename', 'fileName', 'file_name'),
    recipient: withoutUndefined({
      mailboxId: text(record, 'recipient'),
      name: text(record, 'recipient_name', 'recipientName'),
      odsCode: text(record, 'recipient_ods_code', 'meshRecipientOdsCode'),
      orgCode: text(record, 'recipient_org_code', 'recipientOrgCode'),
      orgName: text(record, 'recipient_org_name', 'recipientOrgName'),
    }),
    status: text(record, 'status')?.toLowerCase(),
    statusSuccess: success(pick(record, 'status_success', 'statusSuccess')),
    statusEvent: text(record, 'status_event', 'statusEvent'),
    statusCode: text(record, 'status_code', 'statusCode'),
    statusDescription: text(record, 'status_description', 'statusDescription'),
    statusTimestamp: time(record, 'status_timestamp', 'statusTimestamp'),
    uploadTimestamp: time(record, 'upload_timestamp', 'uploadTimestamp'),
    expiryTime: time(record, 'expiry_time', 'expiryTime'),
    raw: record,
  });
  return info;
}
