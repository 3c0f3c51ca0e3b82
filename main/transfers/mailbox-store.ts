/**
 * What the engine remembers per mailbox, beyond single transfers: the sent
 * history (with tracking and non-delivery reports), the inbox cache, REPORT
 * messages that matched nothing we sent, and the scheduler's history. Each is
 * one JSON file under <stateFolder>/mailboxes/<profile>/, rewritten
 * atomically when it changes.
 *
 * The sent history and the inbox cache change a record per message and grow
 * with the messages, so rewriting either whole per change made n messages
 * cost n² (issue 20). Their changes are appended instead, one line each, to
 * <section>.jsonl beside the snapshot (append-log.ts), and read back as the
 * snapshot with the lines replayed onto it. A line says "this record is now
 * this" or "this entry is gone", so replaying one onto a state that has it
 * already changes nothing: a crash between a new snapshot and the emptying of
 * its log is harmless. Once the log outgrows its snapshot a new snapshot
 * takes its place. Every change still resolves only once it is on disk: the
 * engine drops a send's journal record only after its sent record is safe.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../log/logger';
import { AppendLog } from '../shared/append-log';
import { WriteQueue, readJson, writeJsonAtomic } from '../shared/durable-file';
import type { InboxEntry } from './inbox';

/** Why MESH could not deliver a sent message (from a REPORT or from tracking). */
export interface NonDelivery {
  /** The REPORT message's own id, when it came as a report. */
  reportMessageId?: string;
  code?: string;
  event?: string;
  description?: string;
  at?: string;
}

/** One sent message, as the person sees it in "Sent". */
export interface SentRecord {
  transferId: string;
  profileId: string;
  messageId?: string;
  /** What went in mex-LocalID. */
  localId: string;
  /** MESH Desktop's own reference, also when the person chose localId. */
  appLocalId: string;
  to: string;
  recipientName?: string;
  workflowId: string;
  subject?: string;
  fileName: string;
  filePath: string;
  size: number;
  checksum?: string;
  queuedAt: string;
  sentAt?: string;
  /** MESH's tracking status in lower case (accepted, acknowledged, undeliverable…). */
  status?: string;
  statusDescription?: string;
  statusCode?: string;
  statusEvent?: string;
  statusAt?: string;
  lastTrackedAt?: string;
  nonDelivery?: NonDelivery;
  /** MESH has the message but did not tell us its id (see recovery.ts). */
  messageIdUnknown?: boolean;
  /** How an unknown outcome was settled, for the record. */
  outcomeNote?: string;
}

/** A REPORT whose linked message is not in this computer's sent history. */
export interface UnmatchedReport {
  reportMessageId: string;
  linkedMessageId?: string;
  localId?: string;
  workflowId?: string;
  subject?: string;
  code?: string;
  event?: string;
  description?: string;
  receivedAt: string;
}

/** The scheduler's memory for one mailbox. */
export interface MailboxSchedule {
  lastPollAt?: string;
  moreWaiting?: boolean;
  lastHandshakeAt?: string;
  /** When local-id tracking was last seen to find a message we know this mailbox sent. */
  localIdTrackingVerifiedAt?: string;
}

interface MailboxData {
  sent: SentRecord[];
  inbox: InboxEntry[];
  unmatchedReports: UnmatchedReport[];
  schedule: MailboxSchedule;
}

type Section = keyof MailboxData;
const SECTIONS: readonly Section[] = ['sent', 'inbox', 'unmatchedReports', 'schedule'];

/** The sections kept as a snapshot and a log of changes. */
type LoggedSection = 'sent' | 'inbox';
const LOGGED_SECTIONS: readonly LoggedSection[] = ['sent', 'inbox'];

/**
 * One line of a section's log: a record put in place of the one with its key
 * (or added at the end), an entry removed by key, or the whole section set.
 */
type Change = { put: SentRecord | InboxEntry } | { remove: string } | { set: SentRecord[] | InboxEntry[] };

/** A log this many bytes or smaller is never compacted (a snapshot rewrite would cost more than it saves). */
const MIN_COMPACT_BYTES = 64 * 1024;
/** A log is compacted once it is this many times its snapshot's size. */
const COMPACT_RATIO = 2;

function keyOf(section: LoggedSection, record: SentRecord | InboxEntry): string {
  return section === 'sent' ? (record as SentRecord).transferId : (record as InboxEntry).facts.messageId;
}

/** The key of a record read from disk, or undefined when it has none (a line this version cannot use). */
function keyFromDisk(section: LoggedSection, value: object): string | undefined {
  const record = value as { transferId?: unknown; facts?: { messageId?: unknown } | null };
  const key = section === 'sent' ? record.transferId : record.facts?.messageId;
  return typeof key === 'string' ? key : undefined;
}

/** Applies one change to a section's records in place; false when the line is not a change this version knows. */
function applyChange(section: LoggedSection, records: (SentRecord | InboxEntry)[], change: unknown): boolean {
  if (typeof change !== 'object' || change === null) return false;
  if ('set' in change && Array.isArray(change.set)) {
    records.splice(0, records.length, ...(change.set as (SentRecord | InboxEntry)[]));
    return true;
  }
  if ('remove' in change && typeof change.remove === 'string') {
    const index = records.findIndex((record) => keyOf(section, record) === change.remove);
    if (index >= 0) records.splice(index, 1);
    return true;
  }
  if ('put' in change && typeof change.put === 'object' && change.put !== null) {
    const record = change.put as SentRecord | InboxEntry;
    const key = keyFromDisk(section, record);
    if (key === undefined) return false;
    const index = records.findIndex((existing) => keyOf(section, existing) === key);
    if (index >= 0) records[index] = record;
    else records.push(record);
    return true;
  }
  return false;
}

/** A folder name for a profile id: the id itself when it is plain, else a hash (ids come from settings, but never trust a path). */
export function profileFolderName(profileId: string): string {
  if (/^[A-Za-z0-9-]{1,64}$/.test(profileId)) return profileId;
  return `p-${createHash('sha256').update(profileId).digest('hex').slice(0, 32)}`;
}

/** One mailbox's remembered state, loaded once and saved section by section. */
export class MailboxStore {
  private readonly folder: string;
  private readonly writes = new WriteQueue();
  private readonly logs: Record<LoggedSection, AppendLog>;
  /** Each logged section's snapshot size in bytes, as last read or written. */
  private readonly snapshotBytes: Record<LoggedSection, number> = { sent: 0, inbox: 0 };
  private data: MailboxData | undefined;
  private loading: Promise<MailboxData> | undefined;

  constructor(
    stateFolder: string,
    readonly profileId: string,
    private readonly log: Logger,
  ) {
    this.folder = path.join(stateFolder, 'mailboxes', profileFolderName(profileId));
    this.logs = {
      sent: new AppendLog(path.join(this.folder, 'sent.jsonl')),
      inbox: new AppendLog(path.join(this.folder, 'inbox.jsonl')),
    };
  }

  private snapshotFile(section: Section): string {
    return path.join(this.folder, `${section}.json`);
  }

  /** Loads every section once; concurrent first callers share the one load. */
  private load(): Promise<MailboxData> {
    if (this.data) return Promise.resolve(this.data);
    this.loading ??= this.read().then((data) => (this.data = data));
    return this.loading;
  }

  private async read(): Promise<MailboxData> {
    const data: MailboxData = { sent: [], inbox: [], unmatchedReports: [], schedule: {} };
    for (const section of SECTIONS) {
      const file = this.snapshotFile(section);
      try {
        const value = await readJson(file);
        if (value !== undefined) (data as unknown as Record<string, unknown>)[section] = value;
        if (section === 'sent' || section === 'inbox') this.snapshotBytes[section] = JSON.stringify(value ?? []).length;
      } catch (error) {
        // A damaged cache must not stop transfers; start it empty and say so in the log.
        this.log.error('Unreadable mailbox state file; starting it empty', { file, error: String(error) });
      }
    }
    for (const section of LOGGED_SECTIONS) {
      const log = this.logs[section];
      let tornTail = false;
      try {
        const contents = await log.read();
        tornTail = contents.tornTail;
        let unknown = contents.unreadableLines;
        const records = data[section] as (SentRecord | InboxEntry)[];
        for (const change of contents.entries) if (!applyChange(section, records, change)) unknown++;
        if (unknown > 0) {
          this.log.error('Mailbox state log has lines that are not changes; they are skipped', { file: log.file, lines: unknown });
        }
      } catch (error) {
        this.log.error('Unreadable mailbox state log; carrying on with its snapshot', { file: log.file, error: String(error) });
      }
      // A torn last line would have the next append glued onto it: start the log afresh from a snapshot first.
      if (tornTail) await this.compact(section, data);
    }
    return data;
  }

  /** Saves a section that is not logged: its whole file, atomically. */
  private async save(section: 'unmatchedReports' | 'schedule'): Promise<void> {
    const data = await this.load();
    await this.writes.run(section, () => writeJsonAtomic(this.snapshotFile(section), data[section]));
  }

  /**
   * Records changes already made in memory. Called with no await between the
   * change and this call, so the lines reach the log in the order the changes
   * were made, and a snapshot taken meanwhile has every change whose line it
   * replaces.
   */
  private async record(section: LoggedSection, data: MailboxData, changes: Change[]): Promise<void> {
    const log = this.logs[section];
    await Promise.all(changes.map((change) => log.append(change)));
    if (log.bytes > Math.max(MIN_COMPACT_BYTES, COMPACT_RATIO * this.snapshotBytes[section]) && !log.compacting) {
      await this.compact(section, data);
    }
  }

  /** Writes the section's snapshot and empties its log (append-log.ts says why no change is lost meanwhile). */
  private compact(section: LoggedSection, data: MailboxData): Promise<void> {
    return this.logs[section].compact(async () => {
      const text = JSON.stringify(data[section]);
      await this.writes.run(section, () => writeJsonAtomic(this.snapshotFile(section), JSON.parse(text) as unknown));
      this.snapshotBytes[section] = text.length;
    });
  }

  /** Every sent record, newest first. */
  async sent(): Promise<SentRecord[]> {
    const data = await this.load();
    return [...data.sent].sort((a, b) => (b.sentAt ?? b.queuedAt).localeCompare(a.sentAt ?? a.queuedAt));
  }

  /** The sent record of one transfer, if there is one (without sorting the whole history). */
  async sentRecord(transferId: string): Promise<SentRecord | undefined> {
    return (await this.load()).sent.find((record) => record.transferId === transferId);
  }

  /** Adds or replaces the sent record of a transfer. */
  async upsertSent(record: SentRecord): Promise<void> {
    const data = await this.load();
    const index = data.sent.findIndex((existing) => existing.transferId === record.transferId);
    if (index >= 0) data.sent[index] = record;
    else data.sent.push(record);
    await this.record('sent', data, [{ put: record }]);
  }

  /** Changes sent records in place (one save for the batch); update returns true when it changed one. */
  async updateSent(update: (record: SentRecord) => boolean): Promise<number> {
    const data = await this.load();
    const changed = data.sent.filter((record) => update(record));
    if (changed.length > 0)
      await this.record(
        'sent',
        data,
        changed.map((record) => ({ put: record })),
      );
    return changed.length;
  }

  async inbox(): Promise<InboxEntry[]> {
    return [...(await this.load()).inbox];
  }

  /**
   * Replaces the inbox cache. Logged as the entries that went and the entries
   * that are new or changed, or as the whole list when that would not give
   * the same order.
   */
  async setInbox(entries: InboxEntry[]): Promise<void> {
    const data = await this.load();
    const next = new Map(entries.map((entry) => [entry.facts.messageId, JSON.stringify(entry)]));
    const previous = new Map(data.inbox.map((entry) => [entry.facts.messageId, JSON.stringify(entry)]));
    const changes: Change[] = [];
    for (const id of previous.keys()) if (!next.has(id)) changes.push({ remove: id });
    for (const entry of entries) {
      if (previous.get(entry.facts.messageId) !== next.get(entry.facts.messageId)) changes.push({ put: entry });
    }
    const replayed: (SentRecord | InboxEntry)[] = [...data.inbox];
    for (const change of changes) applyChange('inbox', replayed, change);
    const sameOrder =
      replayed.length === entries.length &&
      replayed.every((entry, index) => entry === entries[index] || keyOf('inbox', entry) === keyOf('inbox', entries[index]!));
    data.inbox = entries;
    if (changes.length === 0 && sameOrder) return;
    await this.record('inbox', data, sameOrder ? changes : [{ set: entries }]);
  }

  /** Drops one entry from the inbox cache, if it is cached: one line, not a comparison of the whole cache. */
  async removeInboxEntry(messageId: string): Promise<void> {
    const data = await this.load();
    if (!data.inbox.some((entry) => entry.facts.messageId === messageId)) return;
    // A new list: the one setInbox was given may still be its caller's.
    data.inbox = data.inbox.filter((entry) => entry.facts.messageId !== messageId);
    await this.record('inbox', data, [{ remove: messageId }]);
  }

  /** Changes one inbox entry, if it is cached. */
  async updateInboxEntry(messageId: string, update: (entry: InboxEntry) => void): Promise<void> {
    const data = await this.load();
    const entry = data.inbox.find((candidate) => candidate.facts.messageId === messageId);
    if (!entry) return;
    update(entry);
    await this.record('inbox', data, [{ put: entry }]);
  }

  async unmatchedReports(): Promise<UnmatchedReport[]> {
    return [...(await this.load()).unmatchedReports];
  }

  async addUnmatchedReport(report: UnmatchedReport): Promise<void> {
    const data = await this.load();
    if (data.unmatchedReports.some((existing) => existing.reportMessageId === report.reportMessageId)) return;
    data.unmatchedReports.push(report);
    await this.save('unmatchedReports');
  }

  async schedule(): Promise<MailboxSchedule> {
    return { ...(await this.load()).schedule };
  }

  async updateSchedule(change: Partial<MailboxSchedule>): Promise<void> {
    const data = await this.load();
    data.schedule = { ...data.schedule, ...change };
    await this.save('schedule');
  }

  /** Resolves when every pending write has reached the disk. */
  async flush(): Promise<void> {
    await Promise.all(LOGGED_SECTIONS.map((section) => this.logs[section].idle()));
    await this.writes.idle();
  }
}
