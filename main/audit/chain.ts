/**
 * Checking the hash chain: pure functions over the text of the trail's files
 * and its recorded head, so every way a trail can be altered is tested
 * directly (chain.test.ts).
 *
 * Each entry must be exactly its canonical spelling, carry the hash of that
 * spelling, follow the entry before it (seq + 1, prev = that entry's hash),
 * and the last entry must be the head recorded beside the files, so an
 * entry edited, removed (anywhere, the last included), inserted or moved is
 * found, and the first one that does not fit is named.
 */
import { canonicalJson, entryHash } from './canonical';
import { AUDIT_FORMAT_VERSION, GENESIS_HASH, auditEntrySchema, type AuditEntry } from './entry';

/** One file of the trail, in order. */
export interface AuditFileText {
  name: string;
  text: string;
}

/** The last entry written, recorded apart from the files (head.json). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Where the chain stopped fitting, and why, in words for a person. */
export interface ChainProblem {
  file: string;
  /** 1-based line in the file (0 when the problem is the head or a missing file). */
  line: number;
  /** The entry's number, when it is known. */
  seq?: number;
  reason: string;
}

/** The outcome of checking a trail. */
export interface VerifyReport {
  /** True when every entry fits (a torn last line from a crash does not count against it). */
  ok: boolean;
  entries: number;
  files: number;
  first?: { seq: number; at: string };
  last?: { seq: number; at: string; hash: string };
  /** The last line of the last file was cut short by a crash; the next write repairs it. */
  torn?: { file: string; bytes: number };
  /** The head lags the last entry by one: a crash after the entry was written, before the head was. */
  headBehind?: boolean;
  /** The trail starts after entries removed under the retention rule, recorded by an audit-pruned entry. */
  prunedBefore?: { seq: number; toAt: string };
  problem?: ChainProblem;
}

/** An entry read back, with where it came from. */
export interface LocatedEntry {
  entry: AuditEntry;
  file: string;
  line: number;
}

export type LineCheck = { ok: true; entry: AuditEntry } | { ok: false; reason: string; seq?: number };

/** Checks one stored line on its own: readable, canonical, a known entry, its hash right. */
export function checkLine(line: string): LineCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'it is not a readable entry: its text has been edited or damaged' };
  }
  const seq =
    parsed && typeof parsed === 'object' && typeof (parsed as { seq?: unknown }).seq === 'number'
      ? (parsed as { seq: number }).seq
      : undefined;
  const at = seq !== undefined ? { seq } : {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, reason: 'it is not an entry', ...at };
  let canonical: string;
  try {
    canonical = canonicalJson(parsed);
  } catch {
    return { ok: false, reason: 'it is not an entry MESH Desktop writes', ...at };
  }
  if (canonical !== line) return { ok: false, reason: 'its text has been edited (it is not spelled as MESH Desktop wrote it)', ...at };
  const version = (parsed as { v?: unknown }).v;
  if (typeof version === 'number' && version > AUDIT_FORMAT_VERSION) {
    return {
      ok: false,
      reason: `it was written by a newer version of MESH Desktop (format ${version}); check it with that version`,
      ...at,
    };
  }
  const result = auditEntrySchema.safeParse(parsed);
  if (!result.success) {
    const field = result.error.issues[0]?.path.join('.') || 'entry';
    return { ok: false, reason: `it is not an entry MESH Desktop writes (${field} is wrong)`, ...at };
  }
  if (entryHash(parsed as Record<string, unknown>) !== result.data.hash) {
    return { ok: false, reason: 'its content has been changed: it does not match its own hash', ...at };
  }
  return { ok: true, entry: result.data };
}

/** Splits a file into complete lines and a torn tail (text after the last newline). */
export function splitLines(text: string): { lines: string[]; torn: string } {
  const end = text.lastIndexOf('\n');
  const torn = text.slice(end + 1);
  const lines = end < 0 ? [] : text.slice(0, end).split('\n');
  return { lines, torn };
}

/** Checks the line at a place in the trail: `checkLine`, or a reader's memory of checking those same bytes before. */
export type LineChecker = (fileIndex: number, lineIndex: number, line: string) => LineCheck;

const checkEveryLine: LineChecker = (_file, _line, line) => checkLine(line);

/**
 * Verifies a whole trail: its files in order, and the head recorded beside them. A reader that lists the entries
 * too, or read the same bytes before, hands in its own `check` so no line is parsed and hashed twice.
 */
export function verifyChain(
  files: readonly AuditFileText[],
  head: AuditHead | undefined,
  check: LineChecker = checkEveryLine,
): VerifyReport {
  const report: VerifyReport = { ok: false, entries: 0, files: files.length };
  let expectedSeq: number | undefined;
  let expectedPrev: string | undefined;
  const hashes = new Map<number, string>();
  const prunes: AuditEntry[] = [];
  let start: { entry: AuditEntry; file: string; line: number } | undefined;
  let last: AuditEntry | undefined;
  const fail = (problem: ChainProblem): VerifyReport => ({ ...report, ok: false, problem });

  for (const [fileIndex, file] of files.entries()) {
    const isLastFile = fileIndex === files.length - 1;
    const { lines, torn } = splitLines(file.text);
    if (torn !== '') {
      if (!isLastFile) {
        return fail({
          file: file.name,
          line: lines.length + 1,
          reason: 'a file before the last one ends in an unfinished line, which a crash cannot leave: it has been cut or edited',
        });
      }
      report.torn = { file: file.name, bytes: Buffer.byteLength(torn, 'utf8') };
    }
    if (lines.length === 0 && torn === '') {
      return fail({ file: file.name, line: 0, reason: 'the file is empty: its entries have been removed' });
    }
    for (const [index, line] of lines.entries()) {
      const lineNumber = index + 1;
      const checked = check(fileIndex, index, line);
      const expectedAt = expectedSeq !== undefined ? { seq: expectedSeq } : {};
      if (!checked.ok) {
        return fail({
          file: file.name,
          line: lineNumber,
          ...(checked.seq !== undefined ? { seq: checked.seq } : expectedAt),
          reason: checked.reason,
        });
      }
      const { entry } = checked;
      if (expectedSeq === undefined) {
        start = { entry, file: file.name, line: lineNumber };
      } else if (entry.seq !== expectedSeq || entry.prev !== expectedPrev) {
        const reason =
          entry.seq > expectedSeq
            ? `entries have been removed before it: #${expectedSeq}${entry.seq - 1 > expectedSeq ? `–#${entry.seq - 1}` : ''} should come first`
            : entry.seq < expectedSeq
              ? `it is out of order: entry #${expectedSeq} should come here (entries have been moved or copied in)`
              : 'it does not follow the entry before it: the entry before it has been replaced, or this one has been recomputed';
        return fail({ file: file.name, line: lineNumber, seq: entry.seq, reason });
      }
      hashes.set(entry.seq, entry.hash);
      if (entry.action === 'audit-pruned' && entry.pruned) prunes.push(entry);
      expectedSeq = entry.seq + 1;
      expectedPrev = entry.hash;
      last = entry;
      report.entries++;
      report.first ??= { seq: entry.seq, at: entry.at };
      report.last = { seq: entry.seq, at: entry.at, hash: entry.hash };
    }
  }

  if (start && (start.entry.seq !== 1 || start.entry.prev !== GENESIS_HASH)) {
    const vouched = prunes.find((p) => p.pruned!.toSeq === start.entry.seq - 1 && p.pruned!.lastHash === start.entry.prev);
    if (!vouched) {
      return fail({
        file: start.file,
        line: start.line,
        seq: start.entry.seq,
        reason:
          start.entry.seq === 1
            ? 'the first entry does not start a trail: it has been edited'
            : `the trail starts at entry #${start.entry.seq}, and no entry records that #1–#${start.entry.seq - 1} were removed under the retention rule: they have been removed`,
      });
    }
    report.prunedBefore = { seq: start.entry.seq, toAt: vouched.pruned!.toAt };
  }

  if (!last) {
    if (head && head.seq > 0) {
      return fail({
        file: 'head.json',
        line: 0,
        seq: 1,
        reason: `every entry has been removed: the trail's head records entry #${head.seq}`,
      });
    }
    return { ...report, ok: true };
  }
  if (!head) {
    if (last.seq === 1 && report.prunedBefore === undefined) return { ...report, ok: true, headBehind: true };
    return fail({ file: 'head.json', line: 0, reason: 'the record of the last entry written (head.json) has been removed' });
  }
  if (head.seq > last.seq) {
    return fail({
      file: files[files.length - 1]?.name ?? 'head.json',
      line: 0,
      seq: last.seq + 1,
      reason: `entries have been removed from the end: the trail's head records entry #${head.seq}, the files stop at #${last.seq}`,
    });
  }
  if (hashes.get(head.seq) !== head.hash) {
    return fail({
      file: 'head.json',
      line: 0,
      seq: head.seq,
      reason: `entry #${head.seq} is not the one the trail's head records: it has been replaced`,
    });
  }
  if (head.seq === last.seq - 1) return { ...report, ok: true, headBehind: true };
  if (head.seq < last.seq) {
    const locatedSeq = head.seq + 1;
    return fail({
      file: 'head.json',
      line: 0,
      seq: locatedSeq,
      reason: `entries from #${locatedSeq} on were added after the trail's recorded head (#${head.seq}) by something other than MESH Desktop`,
    });
  }
  return { ...report, ok: true };
}

/** The report in one or two sentences for a person (what `mesh-desktop audit verify` prints). */
export function describeReport(report: VerifyReport): string {
  const tornNote = report.torn
    ? ` The last line of ${report.torn.file} is torn (${report.torn.bytes} bytes written when MESH Desktop stopped mid-write, for example in a crash or power cut); it is not an entry, and the next entry written repairs it.`
    : '';
  if (report.ok) {
    if (!report.first || !report.last) return `The audit trail is empty: nothing has been recorded yet.${tornNote}`;
    const pruned = report.prunedBefore
      ? ` Entries up to ${report.prunedBefore.toAt} were removed under the retention rule, as the trail itself records.`
      : '';
    return (
      `The audit trail is complete and unaltered from ${report.first.at} (entry #${report.first.seq}) to ${report.last.at} (entry #${report.last.seq}): ` +
      `${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} in ${report.files} ${report.files === 1 ? 'file' : 'files'}. ` +
      `Last hash: ${report.last.hash}.${pruned}${tornNote}`
    );
  }
  const problem = report.problem!;
  const where = problem.line > 0 ? `${problem.file}, line ${problem.line}` : problem.file;
  const before = report.last ? ` Entries #${report.first!.seq}–#${report.last.seq} before it fit.` : '';
  return `The audit trail has been altered. The first entry that does not fit is ${problem.seq !== undefined ? `#${problem.seq}` : 'this one'} (${where}): ${problem.reason}.${before}`;
}
