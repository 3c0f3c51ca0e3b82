/**
 * The Activity view's logic, kept out of React so each rule is tested on its
 * own: what the filter fields ask main for, which pages of the list to ask
 * for as it scrolls, and the words for an entry.
 */
import type { ActivityDirection, ActivityEntry, ActivityFilter } from '../../../main/contract';
import type { Sort } from './inbox-view';

/** The filter fields as the person typed them; empty means "any". */
export interface ActivityFields {
  from: string;
  to: string;
  mailboxId: string;
  direction: '' | ActivityDirection;
  workflowId: string;
  text: string;
}

export const NO_ACTIVITY_FIELDS: ActivityFields = { from: '', to: '', mailboxId: '', direction: '', workflowId: '', text: '' };

export type ActivitySortKey = 'when';
export const DEFAULT_ACTIVITY_SORT: Sort<ActivitySortKey> = { key: 'when', direction: 'desc' };

export const DIRECTION_CHOICES: { value: ActivityFields['direction']; label: string }[] = [
  { value: '', label: 'Sent and received' },
  { value: 'sent', label: 'Sent' },
  { value: 'received', label: 'Received' },
  { value: 'other', label: 'Other (settings, certificates)' },
];

/** The request for main, or a sentence saying which field to fix. Main checks again; this only saves a round trip. */
export function activityRequest(fields: ActivityFields): { filter: ActivityFilter } | { problem: string } {
  const filter: ActivityFilter = {};
  const from = fields.from.trim();
  const to = fields.to.trim();
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (from && to && from > to) return { problem: 'The "From" day must be on or before the "To" day.' };
  if (fields.mailboxId) filter.mailboxId = fields.mailboxId;
  if (fields.direction) filter.direction = fields.direction;
  const workflow = fields.workflowId.trim();
  if (workflow) filter.workflowId = workflow;
  const text = fields.text.trim();
  if (text) filter.text = text;
  return { filter };
}

/** Whether any field narrows the list. */
export function isFiltered(fields: ActivityFields): boolean {
  return Object.values(fields).some((value) => value.trim() !== '');
}

/** What an entry was about, in one cell: its subject, else its file name, else nothing. */
export function entryTopic(entry: ActivityEntry): string {
  return entry.subject || entry.fileName || '';
}

/** The other party in words, with the direction: "To X26ABC1", "From X26ABC2". */
export function counterpartWords(entry: ActivityEntry): string {
  if (!entry.counterpart) return '';
  return entry.direction === 'received' ? `From ${entry.counterpart}` : `To ${entry.counterpart}`;
}

export const OUTCOME_COLOURS = { ok: 'green', failed: 'red', cancelled: 'grey' } as const;
export const OUTCOME_WORDS: Record<ActivityEntry['outcome'], string> = { ok: 'Done', failed: 'Failed', cancelled: 'Cancelled' };
const DIRECTION_WORDS: Record<ActivityDirection, string> = { sent: 'Sent', received: 'Received', other: 'Other' };

/** Entries per request: a few screens, small enough that no answer holds up a frame. */
export const ACTIVITY_PAGE_SIZE = 200;

/** The entry at a row of the list, when its page has arrived. */
export function entryAt(pages: Readonly<Record<number, readonly ActivityEntry[]>>, row: number): ActivityEntry | undefined {
  return pages[Math.floor(row / ACTIVITY_PAGE_SIZE)]?.[row % ACTIVITY_PAGE_SIZE];
}

/** The pages holding rows first to last (inclusive, within `matched`) that are neither here nor already asked for. */
export function missingPages(
  first: number,
  last: number,
  matched: number,
  pages: Readonly<Record<number, unknown>>,
  asked: ReadonlySet<number>,
): number[] {
  if (matched <= 0 || last < 0) return [];
  const from = Math.floor(Math.max(0, first) / ACTIVITY_PAGE_SIZE);
  const to = Math.floor(Math.min(matched - 1, last) / ACTIVITY_PAGE_SIZE);
  const missing: number[] = [];
  for (let page = from; page <= to; page++) if (!(page in pages) && !asked.has(page)) missing.push(page);
  return missing;
}

/** The filter in words for the top of the printed page: "Sent, mailbox X26ABC1, 1 Mar 2026 to 31 Mar 2026". */
export function describeFields(fields: ActivityFields, mailboxName: (id: string) => string): string {
  const parts: string[] = [];
  if (fields.from && fields.to) parts.push(`from ${fields.from} to ${fields.to}`);
  else if (fields.from) parts.push(`from ${fields.from}`);
  else if (fields.to) parts.push(`up to ${fields.to}`);
  if (fields.mailboxId) parts.push(`mailbox ${mailboxName(fields.mailboxId)}`);
  if (fields.direction) parts.push(DIRECTION_WORDS[fields.direction].toLowerCase());
  if (fields.workflowId.trim()) parts.push(`workflow ${fields.workflowId.trim()}`);
  if (fields.text.trim()) parts.push(`containing "${fields.text.trim()}"`);
  return parts.length === 0 ? 'Everything in the record' : `Entries ${parts.join(', ')}`;
}
