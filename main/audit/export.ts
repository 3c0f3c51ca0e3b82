/**
 * The trail as a file someone outside IT opens: CSV for Excel, JSON for
 * tools. Pure functions over entries, so every cell is tested on its own.
 *
 * CSV is what Excel opens cleanly: UTF-8 with a byte-order mark (else Excel
 * reads it as the local code page), CRLF line ends, every cell quoted when
 * it holds a comma, quote or line break, and a cell that begins with = + - @,
 * a tab or a carriage return made inert with a leading apostrophe, so a
 * subject line such as "=HYPERLINK(…)" is text, never a formula (OWASP's
 * advice on CSV injection).
 */
import { directionOf, type AuditEntry } from './entry';

/** The columns of an export, in order, with how each is read from an entry. */
export const EXPORT_COLUMNS: readonly { name: string; value: (entry: AuditEntry) => string | number | undefined }[] = [
  { name: 'Entry', value: (e) => e.seq },
  { name: 'Time (UTC)', value: (e) => e.at },
  { name: 'Local time', value: (e) => e.local },
  { name: 'Time zone', value: (e) => e.zone },
  { name: 'Action', value: (e) => e.action },
  { name: 'Direction', value: (e) => directionOf(e.action) },
  { name: 'Outcome', value: (e) => e.outcome },
  { name: 'Mailbox', value: (e) => e.mailbox?.id },
  { name: 'Environment', value: (e) => e.mailbox?.environment },
  { name: 'Account', value: (e) => e.actor.account },
  { name: 'Computer', value: (e) => e.actor.host },
  { name: 'Via', value: (e) => e.actor.via },
  { name: 'Message ID', value: (e) => e.message?.messageId },
  { name: 'Local ID', value: (e) => e.message?.localId },
  { name: 'From', value: (e) => e.message?.from },
  { name: 'To', value: (e) => e.message?.to },
  { name: 'Workflow', value: (e) => e.message?.workflowId },
  { name: 'Subject', value: (e) => e.message?.subject },
  { name: 'File name', value: (e) => e.message?.fileName },
  { name: 'Size (bytes)', value: (e) => e.message?.size },
  { name: 'SHA-256', value: (e) => e.message?.sha256 },
  { name: 'Saved to', value: (e) => e.message?.savedTo },
  { name: 'About message', value: (e) => e.message?.linkedMessageId },
  { name: 'Certificate', value: (e) => e.certificate?.subject },
  { name: 'Certificate expires', value: (e) => e.certificate?.notAfter },
  { name: 'Reason', value: (e) => e.reason },
  { name: 'Code', value: (e) => e.code },
  { name: 'Hash', value: (e) => e.hash },
];

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: inert if it could start a formula, quoted if it must be. */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  // Numbers are written as numbers (a negative one is still a number, not a formula).
  if (typeof value !== 'number' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The entries as CSV for Excel: BOM, header row, CRLF after every row. */
export function entriesToCsv(entries: readonly AuditEntry[]): string {
  const rows = [EXPORT_COLUMNS.map((c) => csvCell(c.name)), ...entries.map((e) => EXPORT_COLUMNS.map((c) => csvCell(c.value(e))))];
  return `\uFEFF${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}

/** The entries as JSON, exactly as stored (hashes included, so each can be checked against the trail). */
export function entriesToJson(entries: readonly AuditEntry[], range: { from: string; to: string }): string {
  return `${JSON.stringify({ from: range.from, to: range.to, entries }, null, 2)}\n`;
}

/** Entries at or after `from` and before `to` (UTC instants). */
export function entriesBetween(entries: readonly AuditEntry[], from: Date, to: Date): AuditEntry[] {
  return entries.filter((e) => {
    const at = Date.parse(e.at);
    return at >= from.getTime() && at < to.getTime();
  });
}

/**
 * A day as given on the command line (YYYY-MM-DD, a UTC day) and the instant the range starts there; `end` gives the
 * start of the next day, so --to 2026-03-31 includes all of 31 March. Undefined for anything else.
 */
export function parseDay(text: string, end = false): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (end ? 1 : 0)));
  const check = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (
    check.getUTCFullYear() !== Number(match[1]) ||
    check.getUTCMonth() !== Number(match[2]) - 1 ||
    check.getUTCDate() !== Number(match[3])
  )
    return undefined;
  return date;
}
