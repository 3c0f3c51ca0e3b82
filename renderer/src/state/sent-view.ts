/**
 * What the Sent list shows: each message's live status in plain words (joined
 * with its upload's progress), and searching, filtering and sorting.
 */
import type { SentItem, SentStatus, TransferView } from '../../../main/contract';
import { percentOf } from '../lib/format';
import { compareValues, partyLabel, type Sort } from './inbox-view';

export type TagColour = 'grey' | 'green' | 'blue' | 'red' | 'orange' | 'yellow' | 'aqua-green';

export interface StatusWords {
  /** Short text for the tag. */
  label: string;
  colour: TagColour;
  /** A sentence saying what it means and, for problems, what to do. */
  explanation: string;
}

/** The status of a sent message in words, using its upload's progress while it is still sending. */
export function sentStatusWords(item: SentItem, transfer?: TransferView): StatusWords {
  switch (item.status) {
    case 'uploading': {
      const percent = transfer ? percentOf(transfer.bytesDone, transfer.bytesTotal ?? item.size) : undefined;
      if (transfer?.state === 'paused')
        return {
          label: `Paused${percent === undefined ? '' : ` at ${percent}%`}`,
          colour: 'yellow',
          explanation: 'Sending is paused. Resume it in Transfers.',
        };
      if (transfer?.state === 'queued')
        return { label: 'Waiting to send', colour: 'blue', explanation: 'It will start when other transfers finish.' };
      return {
        label: percent === undefined ? 'Sending' : `Sending ${percent}%`,
        colour: 'blue',
        explanation: 'The file is being uploaded to MESH.',
      };
    }
    case 'accepted':
      return {
        label: 'Delivered',
        colour: 'aqua-green',
        explanation: "MESH has put it in the recipient's mailbox. It has not been collected yet.",
      };
    case 'acknowledged':
      return { label: 'Collected', colour: 'green', explanation: 'The recipient has downloaded it and told MESH they have it.' };
    case 'undeliverable':
      return {
        label: 'Not delivered',
        colour: 'red',
        explanation: item.statusDescription
          ? `MESH could not deliver it: ${item.statusDescription}`
          : 'MESH could not deliver it. Check the recipient and workflow, then send it again.',
      };
    case 'failed':
      return {
        label: 'Failed',
        colour: 'red',
        explanation: item.statusDescription || 'It was not sent. Send it again, or look in Transfers for what went wrong.',
      };
    case 'cancelled':
      return { label: 'Cancelled', colour: 'grey', explanation: 'Sending was cancelled. Nothing was delivered.' };
    case 'unknown':
      return {
        label: 'Not known',
        colour: 'orange',
        explanation: 'MESH has not said what happened to it yet. Use "Refresh status" to ask again.',
      };
  }
}

export type SentStatusFilter = 'any' | 'sending' | 'delivered' | 'collected' | 'problem' | 'cancelled';

export const SENT_STATUS_FILTERS: { value: SentStatusFilter; label: string; statuses: SentStatus[] }[] = [
  { value: 'any', label: 'Any status', statuses: [] },
  { value: 'sending', label: 'Still sending', statuses: ['uploading'] },
  { value: 'delivered', label: 'Delivered, not yet collected', statuses: ['accepted'] },
  { value: 'collected', label: 'Collected by the recipient', statuses: ['acknowledged'] },
  { value: 'problem', label: 'Not delivered or failed', statuses: ['undeliverable', 'failed', 'unknown'] },
  { value: 'cancelled', label: 'Cancelled', statuses: ['cancelled'] },
];

export interface SentFilters {
  search: string;
  status: SentStatusFilter;
  workflow: string;
}

export const NO_SENT_FILTERS: SentFilters = { search: '', status: 'any', workflow: '' };

export type SentSortKey = 'to' | 'subject' | 'workflow' | 'fileName' | 'size' | 'sentAt' | 'status';

export const DEFAULT_SENT_SORT: Sort<SentSortKey> = { key: 'sentAt', direction: 'desc' };

/** Whether a sent message passes the status and workflow filters and contains every word searched for. */
export function matchesSent(item: SentItem, filters: SentFilters): boolean {
  if (filters.workflow && item.workflowId !== filters.workflow) return false;
  if (filters.status !== 'any') {
    const statuses = SENT_STATUS_FILTERS.find((option) => option.value === filters.status)?.statuses ?? [];
    if (!statuses.includes(item.status)) return false;
  }
  const words = filters.search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [
    item.to.mailboxId,
    item.to.name,
    item.to.organisation,
    item.subject,
    item.workflowId,
    item.fileName,
    item.messageId,
    item.localId,
    item.statusDescription,
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
  return words.every((word) => text.includes(word));
}

const STATUS_ORDER: SentStatus[] = ['undeliverable', 'failed', 'unknown', 'uploading', 'accepted', 'acknowledged', 'cancelled'];

function sentSortValue(item: SentItem, key: SentSortKey): string | number | undefined {
  switch (key) {
    case 'to':
      return partyLabel(item.to).toLowerCase();
    case 'subject':
      return item.subject?.toLowerCase() || undefined;
    case 'workflow':
      return item.workflowId.toLowerCase();
    case 'fileName':
      return item.fileName.toLowerCase();
    case 'size':
      return item.size;
    case 'sentAt': {
      const time = Date.parse(item.sentAt);
      return Number.isNaN(time) ? undefined : time;
    }
    case 'status':
      return STATUS_ORDER.indexOf(item.status);
  }
}

/** The sent messages to show, filtered then sorted (ties keep main's order). */
export function visibleSent(items: readonly SentItem[], filters: SentFilters, sort: Sort<SentSortKey>): SentItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => matchesSent(item, filters))
    .map((entry) => ({ ...entry, value: sentSortValue(entry.item, sort.key) }))
    .sort((a, b) => compareValues(a.value, b.value, sort.direction) || a.index - b.index)
    .map((entry) => entry.item);
}

/** Transfers by id, for joining a sent message to its upload. */
export function transfersById(transfers: readonly TransferView[]): ReadonlyMap<string, TransferView> {
  return new Map(transfers.map((transfer) => [transfer.id, transfer]));
}
