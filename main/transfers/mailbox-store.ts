/**
 * What the engine remembers per mailbox, beyond single transfers: the sent
 * history (with tracking and non-delivery reports), the inbox cache, REPORT
 * messages that matched nothing we sent, and the scheduler's history. Each is
 * one JSON file under <stateFolder>/mailboxes/<profile>/, rewritten
 * atomically when it changes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../log/logger';
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

/** A folder name for a profile id: the id itself when it is plain, else a hash (ids come from settings, but never trust a path). */
export function profileFolderName(profileId: string): string {
  if (/^[A-Za-z0-9-]{1,64}$/.test(profileId)) return profileId;
  return `p-${createHash('sha256').update(profileId).digest('hex').slice(0, 32)}`;
}

/** One mailbox's remembered state, loaded once and saved section by section. */
export class MailboxStore {
  private readonly folder: string;
  private readonly writes = new WriteQueue();
  private data: MailboxData | undefined;

  constructor(
    stateFolder: string,
    readonly profileId: string,
    private readonly log: Logger,
  ) {
    this.folder = path.join(stateFolder, 'mailboxes', profileFolderName(profileId));
  }

  private async load(): Promise<MailboxData> {
    if (this.data) return this.data;
    const data: MailboxData = { sent: [], inbox: [], unmatchedReports: [], schedule: {} };
    for (const section of SECTIONS) {
      const file = path.join(this.folder, `${section}.json`);
      try {
        const value = await readJson(file);
        if (value !== undefined) (data as unknown as Record<string, unknown>)[section] = value;
      } catch (error) {
        // A damaged cache must not stop transfers; start it empty and say so in the log.
        this.log.error('Unreadable mailbox state file; starting it empty', { file, error: String(error) });
      }
    }
    this.data ??= data;
    return this.data;
  }

  private async save(section: Section): Promise<void> {
    const data = await this.load();
    const file = path.join(this.folder, `${section}.json`);
    await this.writes.run(section, () => writeJsonAtomic(file, data[section]));
  }

  /** Every sent record, newest first. */
  async sent(): Promise<SentRecord[]> {
    const data = await this.load();
    return [...data.sent].sort((a, b) => (b.sentAt ?? b.queuedAt).localeCompare(a.sentAt ?? a.queuedAt));
  }

  /** Adds or replaces the sent record of a transfer. */
  async upsertSent(record: SentRecord): Promise<void> {
    const data = await this.load();
    const index = data.sent.findIndex((existing) => existing.transferId === record.transferId);
    if (index >= 0) data.sent[index] = record;
    else data.sent.push(record);
    await this.save('sent');
  }

  /** Changes sent records in place (one save for the batch); update returns true when it changed one. */
  async updateSent(update: (record: SentRecord) => boolean): Promise<number> {
    const data = await this.load();
    let changed = 0;
    for (const record of data.sent) if (update(record)) changed++;
    if (changed > 0) await this.save('sent');
    return changed;
  }

  async inbox(): Promise<InboxEntry[]> {
    return [...(await this.load()).inbox];
  }

  /** Replaces the inbox cache. */
  async setInbox(entries: InboxEntry[]): Promise<void> {
    (await this.load()).inbox = entries;
    await this.save('inbox');
  }

  /** Changes one inbox entry, if it is cached. */
  async updateInboxEntry(messageId: string, update: (entry: InboxEntry) => void): Promise<void> {
    const data = await this.load();
    const entry = data.inbox.find((candidate) => candidate.facts.messageId === messageId);
    if (!entry) return;
    update(entry);
    await this.save('inbox');
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
    await this.writes.idle();
  }
}
