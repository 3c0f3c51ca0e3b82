/**
 * How stored messages look on the wire: download/HEAD headers, tracking
 * bodies (v1 and v2) and the admin details, shaped as NHS's sandbox shapes them
 * (mesh-api.md §2.4, §2.9, §3.4, §8.4).
 */
import { errorEventOf, statusOf } from './mailroom';
import type { MessageStatus, SandboxMailbox, StoredMessage } from './types';

/** yyyyMMddHHmmss in UTC, MESH's compact timestamp. */
export function compactTimestamp(iso: string | undefined): string {
  if (!iso) return '';
  return new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Naive ISO-8601 with microseconds, as the sandbox's v2 tracking prints times. */
export function naiveIsoTimestamp(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  return new Date(iso).toISOString().replace('Z', '000');
}

/** An HTTP date with the "UTC" zone name the sandbox's strftime produces. */
export function sandboxHttpDate(iso: string): string {
  return new Date(iso).toUTCString().replace(/GMT$/, 'UTC');
}

// Node refuses header values outside latin-1; admin-supplied text could carry them.
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

function statusTimestamp(message: StoredMessage): string {
  const event = message.events.find((candidate) => candidate.status === 'accepted' || candidate.status === 'error');
  return compactTimestamp(event?.timestamp ?? new Date().toISOString());
}

function statusHeaders(message: StoredMessage): Record<string, string | undefined> {
  const timestamp = statusTimestamp(message);
  const errorEvent = errorEventOf(message);
  if (message.message_type === 'DATA' && !errorEvent) {
    return {
      'mex-StatusCode': '00',
      'mex-StatusEvent': 'TRANSFER',
      'mex-StatusDescription': 'Transferred to recipient mailbox',
      'mex-StatusSuccess': 'SUCCESS',
      'mex-StatusTimestamp': timestamp,
    };
  }
  if (!errorEvent) return { 'mex-StatusSuccess': 'ERROR', 'mex-StatusTimestamp': timestamp };
  return {
    'mex-LinkedMsgID': errorEvent.linked_message_id,
    'mex-StatusCode': errorEvent.code,
    'mex-StatusEvent': errorEvent.event,
    'mex-StatusDescription': errorEvent.description,
    'mex-StatusSuccess': 'ERROR',
    'mex-StatusTimestamp': timestamp,
  };
}

/** Response headers for downloading (or HEAD of) chunk k; empty values are left out as the sandbox does. */
export function downloadHeaders(message: StoredMessage, chunkNumber: number): Record<string, string> {
  const metadata = message.metadata;
  const headers: Record<string, string | undefined> = {
    'mex-From': message.sender.mailbox_id,
    'mex-To': message.recipient.mailbox_id,
    'mex-WorkflowID': message.workflow_id,
    'mex-Chunk-Range': `${chunkNumber}:${message.total_chunks}`,
    'mex-Total-Chunks': String(message.total_chunks),
    'mex-AddressType': 'ALL',
    'mex-LocalID': metadata.local_id,
    'mex-PartnerID': metadata.partner_id,
    'mex-FileName': metadata.file_name || `${message.message_id}.dat`,
    'mex-Subject': metadata.subject,
    'mex-Version': '1.0',
    'mex-MessageType': message.message_type,
    'mex-MessageID': message.message_id,
    'Content-Encoding': message.message_type === 'REPORT' ? undefined : metadata.content_encoding,
    ...statusHeaders(message),
    'mex-Content-Compressed': metadata.compressed ? 'Y' : undefined,
    'mex-Content-Encrypted': metadata.encrypted ? 'Y' : undefined,
    'mex-Content-Checksum': metadata.checksum,
    'mex-Content-Type': metadata.content_type,
    'Last-Modified': message.events[0] ? sandboxHttpDate(message.events[0].timestamp) : undefined,
  };
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value) present[name] = headerSafe(value);
  }
  return present;
}

function withoutEmpty(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}

function isFailed(status: MessageStatus): boolean {
  return status === 'undeliverable' || status === 'error';
}

/** v2 tracking body; null fields are left out as the sandbox does. */
export function trackingV2(message: StoredMessage): Record<string, unknown> {
  const status = statusOf(message);
  const latest = message.events[0];
  // The sandbox reports status details only for reports; real MESH also gives them
  // for a data message that failed (for example code 14 after expiry).
  const detailEvent = message.message_type === 'DATA' ? (latest?.code ? latest : undefined) : errorEventOf(message);
  return withoutEmpty({
    message_id: message.message_id,
    local_id: message.metadata.local_id,
    workflow_id: message.workflow_id,
    filename: message.metadata.file_name,
    expiry_time: naiveIsoTimestamp(message.inbox_expiry_timestamp),
    upload_timestamp: naiveIsoTimestamp(message.created_timestamp),
    recipient: message.recipient.mailbox_id,
    recipient_name: message.recipient.mailbox_name,
    recipient_ods_code: message.recipient.ods_code,
    recipient_org_code: message.recipient.org_code,
    recipient_org_name: message.recipient.org_name,
    status_success: message.message_type === 'DATA' && !errorEventOf(message) && !isFailed(status),
    status,
    status_event: detailEvent?.event,
    status_timestamp: naiveIsoTimestamp(detailEvent?.timestamp),
    status_description: detailEvent?.description,
    status_code: detailEvent?.code,
  });
}

function titleCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).toLowerCase();
}

/** v1 tracking body (camelCase, compact timestamps). */
export function trackingV1(message: StoredMessage): Record<string, unknown> {
  const status = statusOf(message);
  const errorEvent = errorEventOf(message);
  const failure = message.events.find((event) => isFailed(event.status) && event.code);
  const successful = message.message_type === 'DATA' && !errorEvent && !isFailed(status);
  const reportEvent = message.message_type === 'REPORT' ? errorEvent : undefined;
  const acknowledged = message.events.find((event) => event.status === 'acknowledged');
  const metadata = message.metadata;
  return withoutEmpty({
    addressType: 'ALL',
    checksum: metadata.checksum ?? '',
    chunkCount: message.total_chunks,
    compressFlag: metadata.compressed ? 'Y' : '',
    contentEncoding: metadata.content_encoding,
    downloadTimestamp: compactTimestamp(acknowledged?.timestamp),
    dtsId: message.message_id,
    encryptedFlag: metadata.encrypted ? 'Y' : '',
    expiryTime: compactTimestamp(message.inbox_expiry_timestamp),
    failureDate: message.message_type === 'DATA' && failure ? compactTimestamp(failure.timestamp) : undefined,
    failureDiagnostic: message.message_type === 'DATA' && failure ? failure.description : undefined,
    fileName: metadata.file_name || `${message.message_id}.dat`,
    fileSize: message.file_size,
    isCompressed: metadata.compressed ? 'Y' : '',
    linkedMsgId: errorEvent?.linked_message_id,
    localId: metadata.local_id,
    meshRecipientOdsCode: message.recipient.ods_code,
    messageId: message.message_id,
    messageType: titleCase(message.message_type),
    partnerId: metadata.partner_id ?? '',
    recipient: message.recipient.mailbox_id,
    recipientName: message.recipient.mailbox_name,
    recipientOrgCode: message.recipient.org_code,
    recipientOrgName: message.recipient.org_name,
    recipientSmtp: '',
    sender: message.sender.mailbox_id,
    senderName: message.sender.mailbox_name,
    senderOdsCode: message.sender.ods_code,
    senderOrgCode: message.sender.org_code,
    senderOrgName: message.sender.org_name,
    senderSmtp: '',
    status: titleCase(status),
    statusCode: reportEvent?.code,
    statusDescription: reportEvent?.description,
    statusEvent: reportEvent?.event,
    statusSuccess: successful ? 'SUCCESS' : 'ERROR',
    statusTimestamp: reportEvent ? compactTimestamp(reportEvent.timestamp) : undefined,
    subject: metadata.subject,
    uploadTimestamp: compactTimestamp(message.created_timestamp),
    version: '1.0',
    workflowId: message.workflow_id,
  });
}

/** The admin GET /admin/message/{id} body: a snake_case superset of tracking. */
export function messageDetails(message: StoredMessage): Record<string, unknown> {
  const status = statusOf(message);
  const latest = message.events[0];
  const errorEvent = errorEventOf(message);
  const failure = message.events.find((event) => isFailed(event.status) && event.code);
  const acknowledged = message.events.find((event) => event.status === 'acknowledged');
  const metadata = message.metadata;
  return withoutEmpty({
    message_id: message.message_id,
    message_type: message.message_type,
    workflow_id: message.workflow_id,
    checksum: metadata.checksum,
    chunk_count: message.total_chunks,
    content_encoding: metadata.content_encoding || undefined,
    content_type: metadata.content_type,
    download_timestamp: naiveIsoTimestamp(acknowledged?.timestamp),
    expiry_time: naiveIsoTimestamp(message.inbox_expiry_timestamp),
    failure_date: naiveIsoTimestamp(failure?.timestamp),
    failure_diagnostic: failure?.description,
    filename: metadata.file_name,
    file_size: message.file_size,
    is_compressed: metadata.compressed ?? false,
    is_encrypted: metadata.encrypted ?? false,
    linked_msg_id: errorEvent?.linked_message_id ?? failure?.linked_message_id,
    local_id: metadata.local_id,
    partner_id: metadata.partner_id,
    recipient: message.recipient.mailbox_id,
    recipient_name: message.recipient.mailbox_name,
    recipient_ods_code: message.recipient.ods_code,
    recipient_org_code: message.recipient.org_code,
    recipient_org_name: message.recipient.org_name,
    recipient_billing_entity: message.recipient.billing_entity,
    sender: message.sender.mailbox_id,
    sender_name: message.sender.mailbox_name,
    sender_ods_code: message.sender.ods_code,
    sender_org_code: message.sender.org_code,
    sender_org_name: message.sender.org_name,
    sender_billing_entity: message.sender.billing_entity,
    status,
    status_code: latest?.code,
    status_description: latest?.description,
    status_event: latest?.event,
    status_success: message.message_type === 'DATA' && !errorEvent && !isFailed(status),
    status_timestamp: naiveIsoTimestamp(latest?.timestamp),
    subject: metadata.subject,
    upload_timestamp: naiveIsoTimestamp(message.created_timestamp),
    events: message.events,
  });
}

/** The admin mailbox details body (no password). */
export function mailboxDetails(mailbox: SandboxMailbox): Record<string, unknown> {
  return withoutEmpty({
    mailbox_id: mailbox.mailbox_id,
    mailbox_name: mailbox.mailbox_name,
    billing_entity: mailbox.billing_entity,
    ods_code: mailbox.ods_code,
    org_code: mailbox.org_code,
    org_name: mailbox.org_name ?? '',
    active: mailbox.active ?? true,
  });
}
