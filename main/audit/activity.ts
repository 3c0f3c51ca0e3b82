/**
 * The audit trail as the Activity view shows it: pure filtering and mapping of
 * stored entries to plain-words rows, so each rule is tested on its own.
 */
import type { ActivityCount, ActivityEntry, ActivityFilter, ActivityPage, ActivitySummary } from '../contract/types';
import { directionOf, type AuditAction, type AuditEntry } from './entry';
import { parseDay } from './export';

const ACTION_WORDS: Record<AuditAction, string> = {
  'message-sent': 'Message sent',
  'send-failed': 'Message not sent',
  'send-cancelled': 'Send cancelled',
  'message-received': 'Message received',
  'receive-failed': 'Message not received',
  'receive-cancelled': 'Download cancelled',
  'message-acknowledged': 'Message acknowledged',
  'message-filed': 'Message filed',
  'non-delivery-report': 'Not delivered',
  'mailbox-added': 'Mailbox added',
  'mailbox-removed': 'Mailbox removed',
  'certificate-imported': 'Certificate imported',
  'certificate-expiring': 'Certificate needs renewing',
  'policy-applied': 'IT policy applied',
  'audit-repaired': 'Record repaired',
  'audit-pruned': 'Old entries removed',
};

const VIA_WORDS = { window: 'window', 'command-line': 'command line', 'folder-mode': 'folder mode' } as const;

/** One stored entry as a row of the Activity view. */
export function toActivityEntry(entry: AuditEntry): ActivityEntry {
  const direction = directionOf(entry.action);
  const message = entry.message;
  const counterpart = direction === 'sent' ? message?.to : direction === 'received' ? message?.from : undefined;
  const outcomeText =
    entry.outcome === 'ok' ? 'Done' : `${entry.outcome === 'failed' ? 'Failed' : 'Cancelled'}${entry.reason ? `: ${entry.reason}` : ''}`;
  return {
    sequence: entry.seq,
    atUtc: entry.at,
    atLocal: entry.local,
    action: ACTION_WORDS[entry.action],
    direction,
    outcome: entry.outcome,
    outcomeText,
    ...(entry.mailbox ? { mailbox: { id: entry.mailbox.id, environment: entry.mailbox.environment } } : {}),
    who: { account: entry.actor.account, via: VIA_WORDS[entry.actor.via] },
    ...(counterpart ? { counterpart } : {}),
    ...(message?.workflowId ? { workflowId: message.workflowId } : {}),
    ...(message?.subject ? { subject: message.subject } : {}),
    ...(message?.fileName ? { fileName: message.fileName } : {}),
    ...(message?.size !== undefined ? { size: message.size } : {}),
    ...(message?.sha256 ? { sha256: message.sha256 } : {}),
    ...(message?.savedTo ? { savedTo: message.savedTo } : {}),
    ...(message?.messageId ? { messageId: message.messageId } : {}),
  };
}

/** Whether a stored entry passes the filter (days are UTC days; `to` includes all of its day). */
export function matchesActivityFilter(entry: AuditEntry, filter: ActivityFilter): boolean {
  const at = Date.parse(entry.at);
  const from = filter.from ? parseDay(filter.from) : undefined;
  const to = filter.to ? parseDay(filter.to, true) : undefined;
  if (from && at < from.getTime()) return false;
  if (to && at >= to.getTime()) return false;
  if (filter.mailboxId && entry.mailbox?.id.toUpperCase() !== filter.mailboxId.toUpperCase()) return false;
  if (filter.direction && directionOf(entry.action) !== filter.direction) return false;
  if (filter.workflowId && entry.message?.workflowId?.toUpperCase() !== filter.workflowId.toUpperCase()) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const m = entry.message;
    const haystack = [m?.subject, m?.fileName, m?.from, m?.to, m?.messageId, m?.localId, m?.workflowId, entry.reason, entry.mailbox?.id]
      .filter((v): v is string => typeof v === 'string')
      .join('\n')
      .toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

/** The stored entries that pass the filter, newest first, at most `limit` of them (all, unless told). */
export function selectActivity(
  entries: readonly AuditEntry[],
  filter: ActivityFilter,
  limit = Number.POSITIVE_INFINITY,
): { entries: AuditEntry[]; truncated: boolean } {
  const chosen: AuditEntry[] = [];
  for (let index = entries.length - 1; index >= 0; index -= 1) {
    const entry = entries[index]!;
    if (!matchesActivityFilter(entry, filter)) continue;
    if (chosen.length === limit) return { entries: chosen, truncated: true };
    chosen.push(entry);
  }
  return { entries: chosen, truncated: false };
}

/** One page of the matching entries (given newest first), in the order the window asked for. */
export function pageOfActivity<T>(newestFirst: readonly T[], page: ActivityPage): T[] {
  if (!page.oldestFirst) return newestFirst.slice(page.offset, page.offset + page.limit);
  // Counted from the oldest end without copying the whole list reversed.
  const end = Math.max(0, newestFirst.length - page.offset);
  const start = Math.max(0, end - page.limit);
  return newestFirst.slice(start, end).reverse();
}

const DIRECTION_WORDS = { sent: 'Sent', received: 'Received', other: 'Other' } as const;
const OUTCOME_WORDS = { ok: 'Done', failed: 'Failed', cancelled: 'Cancelled' } as const;

function counted(map: Map<string, number>): ActivityCount[] {
  return [...map].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts every matching entry by mailbox, direction and outcome, with the span of time they cover. */
export function summariseActivity(entries: readonly AuditEntry[]): ActivitySummary {
  const byMailbox = new Map<string, number>();
  const byDirection = new Map<string, number>();
  const byOutcome = new Map<string, number>();
  let first: string | undefined;
  let last: string | undefined;
  for (const entry of entries) {
    bump(byMailbox, entry.mailbox ? `${entry.mailbox.id} (${entry.mailbox.environment})` : 'No mailbox (this computer)');
    bump(byDirection, DIRECTION_WORDS[directionOf(entry.action)]);
    bump(byOutcome, OUTCOME_WORDS[entry.outcome]);
    if (first === undefined || entry.at < first) first = entry.at;
    if (last === undefined || entry.at > last) last = entry.at;
  }
  return {
    entries: entries.length,
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
    byMailbox: counted(byMailbox),
    byDirection: counted(byDirection),
    byOutcome: counted(byOutcome),
  };
}
