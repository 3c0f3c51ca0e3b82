/**
 * The Activity view's logic, kept out of React so each rule is tested on its
 * own: what the filter fields ask main for, the words for an entry, and the
 * counts on the printable summary.
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

/** Entries in the order the person chose; main answers newest first. */
export function sortActivity(entries: readonly ActivityEntry[], sort: Sort<ActivitySortKey>): readonly ActivityEntry[] {
  return sort.direction === 'desc' ? entries : [...entries].reverse();
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

/** One line of the summary: a name and how many entries it has. */
export interface SummaryCount {
  label: string;
  count: number;
}

/** The printable summary: counts by mailbox, direction and outcome, and the span of time covered. */
export interface ActivitySummary {
  entries: number;
  first?: string;
  last?: string;
  byMailbox: SummaryCount[];
  byDirection: SummaryCount[];
  byOutcome: SummaryCount[];
}

const DIRECTION_WORDS: Record<ActivityDirection, string> = { sent: 'Sent', received: 'Received', other: 'Other' };
export const OUTCOME_WORDS: Record<ActivityEntry['outcome'], string> = { ok: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

function counted(map: Map<string, number>): SummaryCount[] {
  return [...map].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts the entries shown, for the page an IG lead prints or saves as PDF. */
export function summariseActivity(entries: readonly ActivityEntry[]): ActivitySummary {
  const byMailbox = new Map<string, number>();
  const byDirection = new Map<string, number>();
  const byOutcome = new Map<string, number>();
  let first: string | undefined;
  let last: string | undefined;
  for (const entry of entries) {
    bump(byMailbox, entry.mailbox ? `${entry.mailbox.id} (${entry.mailbox.environment})` : 'No mailbox (this computer)');
    bump(byDirection, DIRECTION_WORDS[entry.direction]);
    bump(byOutcome, OUTCOME_WORDS[entry.outcome]);
    if (first === undefined || entry.atUtc < first) first = entry.atUtc;
    if (last === undefined || entry.atUtc > last) last = entry.atUtc;
  }
  return {
    entries: entries.length,
    first,
    last,
    byMailbox: counted(byMailbox),
    byDirection: counted(byDirection),
    byOutcome: counted(byOutcome),
  };
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
