/**
 * The inbox as the window shows it: what HEAD told us about each waiting
 * message, when it will expire, oldest first. Pure helpers; the store keeps
 * the entries.
 */
import type { MessageMetadata } from '../mesh/headers';
import type { ReceivedMessageFacts } from './types';

const HOUR_MS = 60 * 60_000;
/** MESH removes a message not downloaded and acknowledged within 5 days of delivery. */
export const INBOX_RETENTION_MS = 5 * 24 * HOUR_MS;
/** A message is "expiring soon" in its last day. */
export const EXPIRING_SOON_MS = 24 * HOUR_MS;

/** What a REPORT message says about the message it concerns. */
export interface ReportDetails {
  linkedMessageId?: string;
  code?: string;
  event?: string;
  description?: string;
  at?: string;
}

/** What the engine remembers about one message in a mailbox's inbox. */
export interface InboxEntry {
  facts: ReceivedMessageFacts;
  /** Set for REPORT messages. */
  report?: ReportDetails;
  /** Bytes of chunk 1 as HEAD reported them (the whole message when it has one chunk). */
  firstChunkBytes?: number;
  /** When MESH says it was delivered, else when we first saw it. */
  receivedAt: string;
  firstSeenAt: string;
  /** Set while a download is queued or running, and after it finished. */
  downloadTransferId?: string;
  savedPath?: string;
  acknowledgedAt?: string;
}

/** An inbox entry with its expiry worked out for now. */
export interface InboxItem extends InboxEntry {
  expiresAt: string;
  expiringSoon: boolean;
  expired: boolean;
}

/** When a message delivered at receivedAt leaves the inbox, and whether that is within a day or past. */
export function inboxExpiry(receivedAt: Date, now: Date): { expiresAt: Date; expiringSoon: boolean; expired: boolean } {
  const expiresAt = new Date(receivedAt.getTime() + INBOX_RETENTION_MS);
  const left = expiresAt.getTime() - now.getTime();
  return { expiresAt, expired: left <= 0, expiringSoon: left > 0 && left <= EXPIRING_SOON_MS };
}

/** The entries with expiry flags, oldest first (ties by message id, so the order is stable). */
export function inboxView(entries: readonly InboxEntry[], now: Date): InboxItem[] {
  return entries
    .map((entry) => {
      const { expiresAt, expiringSoon, expired } = inboxExpiry(new Date(entry.receivedAt), now);
      return { ...entry, expiresAt: expiresAt.toISOString(), expiringSoon, expired };
    })
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.facts.messageId.localeCompare(b.facts.messageId));
}

/** The facts worth keeping from a HEAD or chunk-1 response. */
export function factsFromMetadata(metadata: MessageMetadata, messageId: string): ReceivedMessageFacts {
  const facts: ReceivedMessageFacts = {
    messageId: metadata.messageId || messageId,
    messageType: metadata.messageType,
    encrypted: metadata.encrypted,
    compressed: metadata.compressed,
    chunkCount: Math.max(1, metadata.chunk.n),
  };
  if (metadata.from !== undefined) facts.from = metadata.from;
  if (metadata.to !== undefined) facts.to = metadata.to;
  if (metadata.workflowId !== undefined) facts.workflowId = metadata.workflowId;
  if (metadata.subject !== undefined) facts.subject = metadata.subject;
  if (metadata.localId !== undefined) facts.localId = metadata.localId;
  if (metadata.fileName !== undefined) facts.fileName = metadata.fileName;
  if (metadata.contentType !== undefined) facts.contentType = metadata.contentType;
  if (metadata.checksum !== undefined) facts.checksum = metadata.checksum;
  if (metadata.status.timestamp !== undefined) facts.deliveredAt = metadata.status.timestamp.toISOString();
  return facts;
}

/** The non-delivery details of a REPORT message's headers. */
export function reportFromMetadata(metadata: MessageMetadata): ReportDetails {
  const report: ReportDetails = {};
  if (metadata.linkedMessageId !== undefined) report.linkedMessageId = metadata.linkedMessageId;
  if (metadata.status.code !== undefined) report.code = metadata.status.code;
  if (metadata.status.event !== undefined) report.event = metadata.status.event;
  if (metadata.status.description !== undefined) report.description = metadata.status.description;
  if (metadata.status.timestamp !== undefined) report.at = metadata.status.timestamp.toISOString();
  return report;
}
