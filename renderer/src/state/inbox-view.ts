/**
 * What the inbox list shows: searching, filtering and sorting, as pure
 * functions so they can be tested on their own and stay fast on thousands
 * of messages.
 */
import type { InboxItem, MessageParty } from '../../../main/contract';
import { formatBytes } from '../lib/format';
import { workflowName } from '../lib/workflows';

export type ReceivedRange = 'any' | 'today' | 'since-yesterday' | 'last-7-days';

export interface InboxFilters {
  search: string;
  /** A workflow ID, or '' for any. */
  workflow: string;
  /** A sender's mailbox ID, or '' for any. */
  sender: string;
  type: 'any' | 'DATA' | 'REPORT';
  received: ReceivedRange;
}

export const NO_FILTERS: InboxFilters = { search: '', workflow: '', sender: '', type: 'any', received: 'any' };

export type InboxSortKey = 'from' | 'subject' | 'workflow' | 'fileName' | 'size' | 'receivedAt' | 'expiresAt' | 'type' | 'chunks';
export type SortDirection = 'asc' | 'desc';

export interface Sort<K extends string> {
  key: K;
  direction: SortDirection;
}

export const DEFAULT_INBOX_SORT: Sort<InboxSortKey> = { key: 'receivedAt', direction: 'desc' };

/** A sender as people know them: "Riverside Surgery, NHS Trust (X26ABC1)"; the mailbox ID alone when that is all MESH said. */
export function partyLabel(party: MessageParty): string {
  const names = [party.name, party.organisation].filter((part): part is string => Boolean(part?.trim()));
  const unique = names.filter((name, index) => names.indexOf(name) === index);
  if (unique.length === 0) return party.mailboxId || 'Unknown sender';
  // MESH's own reports come from no mailbox: "MESH (central system)", not "MESH (central system) ()".
  return party.mailboxId ? `${unique.join(', ')} (${party.mailboxId})` : unique.join(', ');
}

/** The words a search looks through for one message. */
function searchableText(item: InboxItem): string {
  return [
    item.from.mailboxId,
    item.from.name,
    item.from.organisation,
    item.subject,
    item.workflowId,
    item.fileName,
    item.messageId,
    item.localId,
    item.report?.description,
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** Whether every word of the search appears somewhere in the message's details (case does not matter). */
export function matchesSearch(item: InboxItem, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = searchableText(item);
  return words.every((word) => text.includes(word));
}

/** The earliest received time a range lets through, in local time; undefined for any time. */
export function receivedSince(range: ReceivedRange, now: Date): Date | undefined {
  if (range === 'any') return undefined;
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (range === 'since-yesterday') start.setDate(start.getDate() - 1);
  if (range === 'last-7-days') start.setDate(start.getDate() - 6);
  return start;
}

/** Whether a message passes the workflow, sender, type and date filters. */
export function matchesFilters(item: InboxItem, filters: InboxFilters, now: Date): boolean {
  if (filters.workflow && item.workflowId !== filters.workflow) return false;
  if (filters.sender && item.from.mailboxId !== filters.sender) return false;
  if (filters.type !== 'any' && item.type !== filters.type) return false;
  const since = receivedSince(filters.received, now);
  if (since) {
    const received = item.receivedAt ? Date.parse(item.receivedAt) : Number.NaN;
    // A message with no known time cannot be shown to fall in the range.
    if (Number.isNaN(received) || received < since.getTime()) return false;
  }
  return true;
}

function timeOf(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}

function sortValue(item: InboxItem, key: InboxSortKey): string | number | undefined {
  switch (key) {
    case 'from':
      return partyLabel(item.from).toLowerCase();
    case 'subject':
      return item.subject?.toLowerCase() || undefined;
    case 'workflow':
      return item.workflowId?.toLowerCase() || undefined;
    case 'fileName':
      return item.fileName?.toLowerCase() || undefined;
    case 'size':
      return item.size;
    case 'receivedAt':
      return timeOf(item.receivedAt);
    case 'expiresAt':
      return timeOf(item.expiresAt);
    case 'type':
      return item.type;
    case 'chunks':
      return item.chunks;
  }
}

/** Compares two values for sorting; missing values always go last, whichever the direction. */
export function compareValues(a: string | number | undefined, b: string | number | undefined, direction: SortDirection): number {
  if (a === undefined && b === undefined) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en-GB', { numeric: true });
  return direction === 'asc' ? order : -order;
}

/** A sorted copy; ties keep the order main gave (newest first), so the list does not jump. */
export function sortInbox(items: readonly InboxItem[], sort: Sort<InboxSortKey>): InboxItem[] {
  const keyed = items.map((item, index) => ({ item, index, value: sortValue(item, sort.key) }));
  keyed.sort((a, b) => compareValues(a.value, b.value, sort.direction) || a.index - b.index);
  return keyed.map((entry) => entry.item);
}

/** The messages to show, in order: filtered, searched, then sorted. */
export function visibleInbox(items: readonly InboxItem[], filters: InboxFilters, sort: Sort<InboxSortKey>, now: Date): InboxItem[] {
  return sortInbox(
    items.filter((item) => matchesFilters(item, filters, now) && matchesSearch(item, filters.search)),
    sort,
  );
}

/** The workflows and senders present, for the filter drop-downs. */
export function filterChoices(items: readonly InboxItem[]): { workflows: string[]; senders: { value: string; label: string }[] } {
  const workflows = new Set<string>();
  const senders = new Map<string, string>();
  for (const item of items) {
    if (item.workflowId) workflows.add(item.workflowId);
    if (item.from.mailboxId && !senders.has(item.from.mailboxId)) senders.set(item.from.mailboxId, partyLabel(item.from));
  }
  return {
    workflows: [...workflows].sort((a, b) => a.localeCompare(b, 'en-GB')),
    senders: [...senders].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'en-GB')),
  };
}

/** Whether any filter or search is narrowing the list. */
export function isFiltered(filters: InboxFilters): boolean {
  return (
    filters.search.trim() !== '' || filters.workflow !== '' || filters.sender !== '' || filters.type !== 'any' || filters.received !== 'any'
  );
}

/** The next sort when a column heading is pressed: same column flips direction; a new one starts in its natural order. */
export function nextSort<K extends string>(current: Sort<K>, key: K, naturalDirection: SortDirection): Sort<K> {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: naturalDirection };
}

/** Columns whose natural first sort is largest or newest first. */
export function naturalDirection(key: string): SortDirection {
  return key === 'receivedAt' || key === 'size' || key === 'sentAt' || key === 'chunks' ? 'desc' : 'asc';
}

/** Who a row is from; for a non-delivery report, that MESH itself sends it. */
export function fromLabel(item: InboxItem): string {
  return item.type === 'REPORT' ? 'MESH (about a message you sent)' : partyLabel(item.from);
}

/** What a row is about: its subject, else its file name; a report says which of your messages it is about. */
export function subjectLabel(item: InboxItem): string {
  if (item.type === 'REPORT') return item.subject ? `Your message “${item.subject}” did not arrive` : 'A message you sent did not arrive';
  return item.subject || item.fileName || 'No subject';
}

/** A workflow by its plain name (the ID stays available on hover and in the details). */
export function workflowLabel(id: string): string {
  return workflowName(id);
}

/**
 * The Size column's words, short for the cell and long for hover and screen readers.
 * The size comes from the Content-Length MESH gives when the app first looks at a new
 * message (the HEAD request it makes anyway, so no extra requests): whole for a message
 * sent in one piece and not compressed in transit; for one sent in parts MESH says only
 * how many parts until it is downloaded.
 */
export function sizeWords(item: InboxItem): { short: string; long: string } {
  if (item.type === 'REPORT') return { short: '—', long: 'A non-delivery report has no file' };
  if (item.size !== undefined) return { short: formatBytes(item.size), long: formatBytes(item.size) };
  if (item.chunks > 1)
    return { short: `${item.chunks} parts`, long: `Sent in ${item.chunks} parts: MESH gives the full size only when it is downloaded` };
  return { short: 'Not given', long: 'MESH did not give the size of this message; it is known once it is saved' };
}

/** What the list holds, in the same terms as the sidebar's count: files still to save, and reports. */
export function inboxCounts(items: readonly InboxItem[]): { total: number; toSave: number; reports: number } {
  let toSave = 0;
  let reports = 0;
  for (const item of items) {
    if (item.type === 'REPORT') reports++;
    else if (!item.savedPath && !item.acknowledged) toSave++;
  }
  return { total: items.length, toSave, reports };
}
