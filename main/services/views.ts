// Pure conversions from the engine's records to what the window shows.
import type { InboxItem, SentItem, SentStatus, TransferView } from '../contract/types';
import type { InboxItem as EngineInboxItem, SentRecord, TransferProgress } from '../transfers';
import type { SetAsideRecord } from '../transfers/journal';
import type { PartyDirectory } from './parties';

const HEADER_NAMES: [keyof EngineInboxItem['facts'], string][] = [
  ['messageId', 'mex-messageid'],
  ['messageType', 'mex-messagetype'],
  ['from', 'mex-from'],
  ['to', 'mex-to'],
  ['workflowId', 'mex-workflowid'],
  ['subject', 'mex-subject'],
  ['localId', 'mex-localid'],
  ['fileName', 'mex-filename'],
  ['contentType', 'mex-content-type'],
  ['checksum', 'mex-content-checksum'],
  ['encrypted', 'mex-content-encrypted'],
  ['compressed', 'mex-content-compressed'],
  ['chunkCount', 'mex-total-chunks'],
  ['deliveredAt', 'mex-statustimestamp'],
];

/** One inbox message as the window shows it. */
export function inboxItemView(item: EngineInboxItem, parties: PartyDirectory): InboxItem {
  const { facts } = item;
  const headers: Record<string, string> = {};
  for (const [field, header] of HEADER_NAMES) {
    const value = facts[field];
    if (value === undefined || value === '') continue;
    headers[header] = typeof value === 'boolean' ? (value ? 'Y' : 'N') : String(value);
  }
  if (item.report?.linkedMessageId) headers['mex-linkedmsgid'] = item.report.linkedMessageId;
  if (item.report?.code) headers['mex-statuscode'] = item.report.code;
  if (item.report?.event) headers['mex-statusevent'] = item.report.event;
  if (item.report?.description) headers['mex-statusdescription'] = item.report.description;
  return {
    messageId: facts.messageId,
    type: facts.messageType,
    from: parties.describe(facts.from),
    ...(facts.subject ? { subject: facts.subject } : {}),
    ...(facts.workflowId ? { workflowId: facts.workflowId } : {}),
    ...(facts.fileName ? { fileName: facts.fileName } : {}),
    ...(facts.chunkCount <= 1 && item.firstChunkBytes !== undefined ? { size: item.firstChunkBytes } : {}),
    receivedAt: item.receivedAt,
    expiresAt: item.expiresAt,
    expiringSoon: item.expiringSoon,
    chunks: facts.chunkCount,
    ...(facts.localId ? { localId: facts.localId } : {}),
    ...(item.report ? { report: { ...item.report } } : {}),
    headers,
    ...(item.savedPath ? { savedPath: item.savedPath } : {}),
    acknowledged: item.acknowledgedAt !== undefined,
  };
}

/** The status a person reads for a sent message. */
export function sentStatus(record: SentRecord, transfer: TransferProgress | undefined): SentStatus {
  if (record.nonDelivery || record.status === 'undeliverable' || record.status === 'error') return 'undeliverable';
  if (record.status === 'acknowledged') return 'acknowledged';
  if (record.status === 'accepted') return 'accepted';
  if (transfer?.state === 'failed') return 'failed';
  if (transfer?.state === 'cancelled') return 'cancelled';
  if (record.status === 'uploading' || !record.sentAt || (transfer && transfer.state !== 'done')) return 'uploading';
  return record.messageId ? 'accepted' : 'unknown';
}

/** One sent message as the window shows it. */
export function sentItemView(record: SentRecord, transfer: TransferProgress | undefined, parties: PartyDirectory): SentItem {
  const party = parties.describe(record.to);
  const description = record.nonDelivery?.description ?? record.statusDescription;
  const code = record.nonDelivery?.code ?? record.statusCode;
  return {
    id: record.transferId,
    ...(record.messageId ? { messageId: record.messageId } : {}),
    localId: record.localId,
    to: { ...party, ...(record.recipientName ? { name: record.recipientName } : {}) },
    workflowId: record.workflowId,
    ...(record.subject ? { subject: record.subject } : {}),
    fileName: record.fileName,
    size: record.size,
    ...(record.checksum ? { checksum: record.checksum } : {}),
    sentAt: record.sentAt ?? record.queuedAt,
    status: sentStatus(record, transfer),
    ...(description ? { statusDescription: description } : {}),
    ...(code ? { statusCode: code } : {}),
    ...(record.lastTrackedAt ? { statusCheckedAt: record.lastTrackedAt } : {}),
    transferId: record.transferId,
  };
}

/** One transfer as the window shows it. */
export function transferView(progress: TransferProgress, now = new Date()): TransferView {
  return {
    id: progress.id,
    profileId: progress.profileId,
    direction: progress.kind === 'upload' ? 'upload' : 'download',
    title: progress.name,
    ...(progress.counterpart ? { counterpart: progress.counterpart } : {}),
    state: progress.state,
    bytesDone: progress.bytesDone,
    ...(progress.bytesTotal !== undefined ? { bytesTotal: progress.bytesTotal } : {}),
    ...(progress.rate !== undefined ? { rate: progress.rate } : {}),
    ...(progress.secondsLeft !== undefined ? { secondsLeft: progress.secondsLeft } : {}),
    chunk: progress.chunk?.k ?? 0,
    chunks: progress.chunk?.n ?? 0,
    ...(progress.messageId ? { messageId: progress.messageId } : {}),
    ...(progress.savedPath ? { savedPath: progress.savedPath } : {}),
    ...(progress.error ? { error: progress.error } : {}),
    ...(progress.note
      ? { note: progress.note }
      : !progress.cancellable && (progress.state === 'running' || progress.state === 'queued')
        ? { note: 'This can no longer be cancelled: MESH already has the whole message.' }
        : {}),
    updatedAt: now.toISOString(),
  };
}

// Beyond this the sentences would bury the list they sit above; the rest are counted.
const SET_ASIDE_SENTENCES = 5;

/** What the Transfers view says about journal records set aside at start-up, one sentence each. */
export function setAsideProblems(setAside: readonly SetAsideRecord[]): string[] {
  const sentences = setAside
    .slice(0, SET_ASIDE_SENTENCES)
    .map((entry) =>
      entry.movedTo
        ? `One saved transfer record could not be read and was set aside as ${entry.movedTo}. Nothing else was affected.`
        : `One saved transfer record could not be read and is being skipped at ${entry.file} (it could not be moved aside). Nothing else was affected.`,
    );
  const more = setAside.length - sentences.length;
  if (more > 0) sentences.push(`${more} more saved transfer record${more === 1 ? ' was' : 's were'} set aside in the same way.`);
  if (sentences.length > 0) sentences.push('If a send or download you expected is not listed here, start it again.');
  return sentences;
}
