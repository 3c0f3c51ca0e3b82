/**
 * A mailbox's conversation with MESH outside single transfers: checking the
 * inbox on NHS's schedule (handshake, listing, HEAD into the inbox cache,
 * REPORTs matched to the sent history and acknowledged, automatic
 * downloads), acknowledging on the person's say-so, and tracking sent
 * messages at a polite rate; and what the person reads of it: the inbox,
 * the sent history with the sends still under way, unmatched reports.
 *
 * It reaches the transfer queue only through a TransferQueueView, given at
 * composition (compose.ts).
 */
import { settleEach } from '../shared/concurrency';
import { AppError, toAppError } from '../shared/errors';
import type { Logger } from '../log/logger';
import { factsFromMetadata, inboxView, reportFromMetadata, type InboxEntry, type InboxItem } from './inbox';
import type { MailboxStore, SentRecord, UnmatchedReport } from './mailbox-store';
import type { TransferClient } from './run-context';
import {
  TRACKING_INTERVAL_MS,
  checkNowDecision,
  earliest,
  nextHandshakeAt,
  nextInboxPollAt,
  retryDelayAfterFailedPoll,
  trackingDue,
  type PollHistory,
} from './schedule';
import type {
  AcknowledgeResult,
  CheckNowResult,
  DownloadRequest,
  MailboxTransferSettings,
  PollResult,
  ReceivedReport,
  TransferEngineEvents,
  TransferProgress,
  UploadRecord,
} from './types';

/** Most message ids listed in one check when nothing is downloaded automatically. */
const LISTING_SAFETY_LIMIT = 100_000;
/** New messages whose details are asked for at once: the engine's usual count of downloads at once. */
const NEW_MESSAGE_HEADS_AT_ONCE = 3;
/** Downloads queued at once by a check: enough for their journal saves to share flushes, a bounded burst of work. */
const QUEUED_AT_ONCE = 64;

/** What mailbox activity needs from the transfer queue. */
export interface TransferQueueView {
  enqueueDownload(request: DownloadRequest): Promise<TransferProgress>;
  /** The transfer is in the journal. */
  exists(transferId: string): boolean;
  /** The transfer is in the journal and neither done nor cancelled. */
  isUnfinished(transferId: string): boolean;
  /** Resolves when no download of the mailbox is queued or running. */
  downloadsSettled(profileId: string): Promise<void>;
  /** Notes on saved downloads of the message that the person acknowledged it. */
  noteAcknowledged(profileId: string, messageId: string, at: string): Promise<void>;
  /** The mailbox's sends that are not done: queued, running, paused or failed. */
  unfinishedUploads(profileId: string): readonly Readonly<UploadRecord>[];
}

export interface MailboxActivityDeps {
  clientFor(profileId: string): TransferClient | Promise<TransferClient>;
  mailboxSettings?(profileId: string): MailboxTransferSettings | Promise<MailboxTransferSettings>;
  store(profileId: string): MailboxStore;
  queue: TransferQueueView;
  clock: () => Date;
  log: Logger;
  events?: TransferEngineEvents;
  /** When this run of the app started (a handshake is due at every start). */
  runStartedAt: Date;
  pageSize?: number;
  maxMessagesPerPoll?: number;
}

/** The history, then the pending sends it does not hold yet (by transfer id). */
export function withoutRecordedTwice(history: readonly SentRecord[], pending: readonly SentRecord[]): SentRecord[] {
  const recorded = new Set(history.map((record) => record.transferId));
  return [...history, ...pending.filter((record) => !recorded.has(record.transferId))];
}

/** What the engine says about a REPORT it recorded: MESH's facts, and the sent message's when it matched one. */
function reportOf(reportMessageId: string, entry: InboxEntry, sent: SentRecord | undefined): ReceivedReport {
  const report = entry.report ?? {};
  const linkedMessageId = report.linkedMessageId ?? sent?.messageId;
  const localId = sent?.localId ?? entry.facts.localId;
  const workflowId = sent?.workflowId ?? entry.facts.workflowId;
  const subject = sent?.subject ?? entry.facts.subject;
  return {
    reportMessageId,
    ...(linkedMessageId !== undefined ? { linkedMessageId } : {}),
    ...(localId !== undefined ? { localId } : {}),
    ...(workflowId !== undefined ? { workflowId } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(sent ? { to: sent.to, fileName: sent.fileName } : {}),
    ...(report.code !== undefined ? { code: report.code } : {}),
    ...(report.event !== undefined ? { event: report.event } : {}),
    ...(report.description !== undefined ? { description: report.description } : {}),
  };
}

/** Inbox checks, reports, acknowledgements and tracking for every mailbox. */
export class MailboxActivity {
  private readonly polls = new Map<string, Promise<PollResult>>();
  private readonly pollTimers = new Map<string, NodeJS.Timeout>();
  private readonly pollingProfiles = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: MailboxActivityDeps) {}

  /** The inbox cache of a mailbox, with expiry flags, oldest first. */
  async inbox(profileId: string): Promise<InboxItem[]> {
    return inboxView(await this.deps.store(profileId).inbox(), this.deps.clock());
  }

  /** Every message sent from a mailbox on this computer, newest first. */
  async sentHistory(profileId: string): Promise<SentRecord[]> {
    return this.deps.store(profileId).sent();
  }

  /**
   * The sent history and the sends still under way, each once. A send that has just finished is written to the
   * history a moment before its transfer says "done" (so listeners to "done" find it there); in that moment it is
   * both, and a list built then showed it twice.
   */
  async sends(profileId: string): Promise<SentRecord[]> {
    return withoutRecordedTwice(await this.sentHistory(profileId), this.pendingSends(profileId));
  }

  /** Sends of a mailbox that are queued, running, paused or failed: not in the sent history yet. */
  pendingSends(profileId: string): SentRecord[] {
    const pending: SentRecord[] = this.deps.queue.unfinishedUploads(profileId).map((record) => ({
      transferId: record.id,
      profileId: record.profileId,
      localId: record.localId,
      appLocalId: record.appLocalId,
      to: record.to,
      workflowId: record.workflowId,
      fileName: record.fileName,
      filePath: record.filePath,
      size: record.fileSize,
      queuedAt: record.createdAt,
      ...(record.messageId ? { messageId: record.messageId } : {}),
      ...(record.subject !== undefined ? { subject: record.subject } : {}),
      ...(record.checksum !== undefined ? { checksum: record.checksum } : {}),
      ...(record.recipientName ? { recipientName: record.recipientName } : {}),
    }));
    return pending.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  /** REPORT messages that matched nothing in the sent history. */
  async unmatchedReports(profileId: string): Promise<UnmatchedReport[]> {
    return this.deps.store(profileId).unmatchedReports();
  }

  /** When the inbox may be checked by hand (MESH's 5-minute floor), or that it may be now. */
  async checkNow(profileId: string): Promise<CheckNowResult> {
    const decision = checkNowDecision(await this.pollHistory(profileId), this.deps.clock());
    if (!decision.allowed) return { checked: false, nextAllowedAt: decision.nextAllowedAt };
    return { checked: true, result: await this.pollInbox(profileId) };
  }

  /**
   * Checks the inbox once: handshake when due, list (following links.next),
   * HEAD each new message into the cache, record and acknowledge REPORTs,
   * and queue downloads when the mailbox downloads automatically. Concurrent
   * calls for one mailbox share one check. It does not apply the 5-minute
   * floor itself (checkNow and startPolling do).
   */
  pollInbox(profileId: string): Promise<PollResult> {
    const current = this.polls.get(profileId);
    if (current) return current;
    const poll = this.doPoll(profileId).finally(() => this.polls.delete(profileId));
    this.polls.set(profileId, poll);
    return poll;
  }

  private async doPoll(profileId: string): Promise<PollResult> {
    const store = this.deps.store(profileId);
    const client = await this.deps.clientFor(profileId);
    const settings = await this.deps.mailboxSettings?.(profileId);
    const now = this.deps.clock();
    const handshake = await this.handshakeIfDue(profileId, client, now);
    // Counted from the attempt, so a failing check still respects the floor.
    await store.updateSchedule({ lastPollAt: now.toISOString() });

    // Downloading drains the inbox, so a capped listing carries on at the next check. Without
    // automatic download nothing drains: list it all, or the cache would never see the rest.
    const limit = settings?.autoDownload ? (this.deps.maxMessagesPerPoll ?? 5000) : LISTING_SAFETY_LIMIT;
    const { listed, moreWaiting } = await this.listInbox(client, limit);
    const { entries, newMessages } = await this.refreshEntries(profileId, client, listed, now);

    let reports = 0;
    const kept: InboxEntry[] = [];
    for (const entry of entries) {
      if (entry.facts.messageType !== 'REPORT') {
        kept.push(entry);
        continue;
      }
      try {
        await this.handleReport(profileId, client, entry);
        reports++;
      } catch (error) {
        kept.push(entry);
        this.deps.log.warn('Could not process a report; will try at the next check', {
          profileId,
          messageId: entry.facts.messageId,
          error: String(error),
        });
      }
    }
    await store.setInbox(kept);

    let downloadsQueued = 0;
    if (settings?.autoDownload) {
      const toQueue = kept.filter((entry) => !(entry.downloadTransferId && this.deps.queue.exists(entry.downloadTransferId)));
      // Queued together, so that their journal saves share flushes (one after another, each paid its own); the
      // first downloads start as soon as they are queued.
      const queued = await settleEach(toQueue, QUEUED_AT_ONCE, (entry) =>
        this.deps.queue.enqueueDownload({
          profileId,
          messageId: entry.facts.messageId,
          destinationFolder: settings.downloadFolder,
          acknowledge: settings.acknowledge,
        }),
      );
      downloadsQueued = queued.filter((result) => result.status === 'fulfilled').length;
      const failed = queued.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
    await store.updateSchedule({ moreWaiting });
    this.deps.events?.inboxChanged?.(profileId);
    if (reports > 0) this.deps.events?.sentChanged?.(profileId);
    const nextPollAt = nextInboxPollAt({ lastPollAt: now, moreWaiting }, settings?.pollIntervalMinutes, this.deps.clock());
    this.deps.log.info('Inbox checked', { profileId, listed: listed.length, newMessages, reports, downloadsQueued, moreWaiting });
    return { listed: listed.length, newMessages, reports, downloadsQueued, moreWaiting, nextPollAt, handshake };
  }

  /** Handshakes at the first check of this run and then daily; true when it did. */
  private async handshakeIfDue(profileId: string, client: TransferClient, now: Date): Promise<boolean> {
    const store = this.deps.store(profileId);
    const last = (await store.schedule()).lastHandshakeAt;
    if (nextHandshakeAt(last ? new Date(last) : undefined, this.deps.runStartedAt, now) > now) return false;
    await client.handshake();
    await store.updateSchedule({ lastHandshakeAt: this.deps.clock().toISOString() });
    return true;
  }

  /** Lists message ids page by page (links.next) up to limit; moreWaiting when it stopped with pages left. */
  private async listInbox(client: TransferClient, limit: number): Promise<{ listed: string[]; moreWaiting: boolean }> {
    const listed: string[] = [];
    let page = await client.listInbox(this.deps.pageSize !== undefined ? { maxResults: this.deps.pageSize } : {});
    listed.push(...page.messageIds);
    while (page.next && listed.length < limit) {
      page = await client.listInbox({ next: page.next });
      listed.push(...page.messageIds);
    }
    return { listed, moreWaiting: page.next !== undefined };
  }

  /**
   * The inbox cache for a listing: cached entries as they are, new messages
   * read with HEAD, and unlisted ones dropped unless we are still receiving them.
   */
  private async refreshEntries(
    profileId: string,
    client: TransferClient,
    listed: readonly string[],
    now: Date,
  ): Promise<{ entries: InboxEntry[]; newMessages: number }> {
    const cached = new Map((await this.deps.store(profileId).inbox()).map((entry) => [entry.facts.messageId, entry]));
    const fresh = listed.filter((messageId) => !cached.has(messageId));
    // A few at once, as many as the downloads that follow: one after another, 1,000 new messages waited 1,000 round
    // trips before the first download could be queued.
    const read = new Map<string, InboxEntry>();
    await settleEach(fresh, NEW_MESSAGE_HEADS_AT_ONCE, async (messageId) => {
      try {
        const metadata = await client.headMessage(messageId);
        const facts = factsFromMetadata(metadata, messageId);
        const entry: InboxEntry = {
          facts,
          receivedAt: facts.deliveredAt ?? now.toISOString(),
          firstSeenAt: now.toISOString(),
          ...(metadata.contentLength !== undefined && metadata.contentEncoding === undefined
            ? { firstChunkBytes: metadata.contentLength }
            : {}),
        };
        if (facts.messageType === 'REPORT') entry.report = reportFromMetadata(metadata);
        read.set(messageId, entry);
      } catch (error) {
        const appError = toAppError(error);
        if (appError.code === 'message-not-found' || appError.code === 'message-gone') return;
        this.deps.log.warn('Could not read a new message’s details; will try at the next check', {
          profileId,
          messageId,
          error: appError.code,
        });
      }
    });
    const entries: InboxEntry[] = [];
    for (const messageId of listed) {
      const entry = cached.get(messageId) ?? read.get(messageId);
      if (entry) entries.push(entry);
    }
    const newMessages = read.size;
    const listedSet = new Set(listed);
    for (const [messageId, entry] of cached) {
      if (listedSet.has(messageId)) continue;
      if (entry.downloadTransferId && this.deps.queue.isUnfinished(entry.downloadTransferId)) entries.push(entry);
    }
    return { entries, newMessages };
  }

  /** Records a REPORT against the sent message it concerns (or as unmatched), then acknowledges it. */
  private async handleReport(profileId: string, client: TransferClient, entry: InboxEntry): Promise<void> {
    const store = this.deps.store(profileId);
    const report = entry.report ?? {};
    const reportId = entry.facts.messageId;
    const at = report.at ?? entry.receivedAt;
    // Set inside the update below (an object, so the compiler does not assume it stays unset).
    const found: { sent?: SentRecord } = {};
    const matched = await store.updateSent((sent) => {
      const matches = report.linkedMessageId
        ? sent.messageId === report.linkedMessageId
        : entry.facts.localId !== undefined && (sent.localId === entry.facts.localId || sent.appLocalId === entry.facts.localId);
      if (!matches || sent.nonDelivery?.reportMessageId === reportId) return false;
      found.sent ??= { ...sent };
      sent.status = 'undeliverable';
      sent.statusAt = at;
      if (report.code !== undefined) sent.statusCode = report.code;
      if (report.event !== undefined) sent.statusEvent = report.event;
      if (report.description !== undefined) sent.statusDescription = report.description;
      sent.nonDelivery = {
        reportMessageId: reportId,
        ...(report.code !== undefined ? { code: report.code } : {}),
        ...(report.event !== undefined ? { event: report.event } : {}),
        ...(report.description !== undefined ? { description: report.description } : {}),
        at,
      };
      return true;
    });
    if (matched === 0) {
      await store.addUnmatchedReport({
        reportMessageId: reportId,
        receivedAt: entry.receivedAt,
        ...(report.linkedMessageId !== undefined ? { linkedMessageId: report.linkedMessageId } : {}),
        ...(entry.facts.localId !== undefined ? { localId: entry.facts.localId } : {}),
        ...(entry.facts.workflowId !== undefined ? { workflowId: entry.facts.workflowId } : {}),
        ...(entry.facts.subject !== undefined ? { subject: entry.facts.subject } : {}),
        ...(report.code !== undefined ? { code: report.code } : {}),
        ...(report.event !== undefined ? { event: report.event } : {}),
        ...(report.description !== undefined ? { description: report.description } : {}),
      });
    }
    // Only after the report is safely recorded: acknowledging removes it from MESH.
    await client.acknowledge(reportId);
    this.deps.events?.reportReceived?.(profileId, reportOf(reportId, entry, found.sent));
    this.deps.log.info('Report recorded and acknowledged', {
      profileId,
      reportId,
      linkedMessageId: report.linkedMessageId,
      matched: matched > 0,
    });
  }

  /** Acknowledges messages on the person's say-so (mailboxes set to 'manual'); also notes it on saved downloads. */
  async acknowledge(profileId: string, messageIds: readonly string[]): Promise<AcknowledgeResult[]> {
    const client = await this.deps.clientFor(profileId);
    const store = this.deps.store(profileId);
    const results: AcknowledgeResult[] = [];
    for (const messageId of messageIds) {
      try {
        await client.acknowledge(messageId);
        results.push({ messageId, ok: true });
      } catch (error) {
        results.push({ messageId, ok: false, error: toAppError(error).toShape() });
        continue;
      }
      const cached = await store.inbox();
      this.deps.events?.acknowledged?.(profileId, messageId, cached.find((entry) => entry.facts.messageId === messageId)?.facts);
      await store.removeInboxEntry(messageId);
      await this.deps.queue.noteAcknowledged(profileId, messageId, this.deps.clock().toISOString());
    }
    this.deps.events?.inboxChanged?.(profileId);
    return results;
  }

  /**
   * Asks MESH where sent messages are: by default only those due (every 15
   * minutes each, never once final); onDemand for the person's "refresh"
   * (at most once a minute each). Returns the records that were asked about.
   */
  async refreshTracking(profileId: string, options: { messageIds?: readonly string[]; onDemand?: boolean } = {}): Promise<SentRecord[]> {
    const store = this.deps.store(profileId);
    const now = this.deps.clock();
    const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
    const due = (await store.sent()).filter(
      (record) =>
        record.messageId !== undefined &&
        record.sentAt !== undefined &&
        (!wanted || wanted.has(record.messageId)) &&
        trackingDue(
          {
            sentAt: new Date(record.sentAt),
            ...(record.status ? { status: record.status } : {}),
            ...(record.lastTrackedAt ? { lastTrackedAt: new Date(record.lastTrackedAt) } : {}),
          },
          now,
          options.onDemand ?? false,
        ),
    );
    if (due.length === 0) return [];
    const client = await this.deps.clientFor(profileId);
    const answers = new Map<string, Awaited<ReturnType<TransferClient['track']>> | 'unknown'>();
    for (const record of due) {
      try {
        answers.set(record.messageId as string, await client.track(record.messageId as string));
      } catch (error) {
        const appError = toAppError(error);
        this.deps.log.warn('Tracking failed', { profileId, messageId: record.messageId, error: appError.code });
        if (appError.code === 'message-not-found') answers.set(record.messageId as string, 'unknown');
        else if (appError.transient) break;
      }
    }
    const trackedAt = this.deps.clock().toISOString();
    const updated: SentRecord[] = [];
    await store.updateSent((record) => {
      const answer = record.messageId ? answers.get(record.messageId) : undefined;
      if (!answer) return false;
      record.lastTrackedAt = trackedAt;
      if (answer !== 'unknown') {
        if (answer.status) record.status = answer.status;
        if (answer.statusDescription) record.statusDescription = answer.statusDescription;
        if (answer.statusCode) record.statusCode = answer.statusCode;
        if (answer.statusEvent) record.statusEvent = answer.statusEvent;
        if (answer.statusTimestamp) record.statusAt = answer.statusTimestamp.toISOString();
        if (answer.recipient.name && !record.recipientName) record.recipientName = answer.recipient.name;
        if ((answer.status === 'undeliverable' || answer.status === 'error') && !record.nonDelivery) {
          record.nonDelivery = {
            ...(answer.statusCode ? { code: answer.statusCode } : {}),
            ...(answer.statusEvent ? { event: answer.statusEvent } : {}),
            ...(answer.statusDescription ? { description: answer.statusDescription } : {}),
            ...(answer.statusTimestamp ? { at: answer.statusTimestamp.toISOString() } : {}),
          };
        }
      }
      updated.push({ ...record });
      return true;
    });
    if (updated.length > 0) this.deps.events?.sentChanged?.(profileId);
    return updated;
  }

  /** Checks a mailbox on NHS's schedule (inbox, handshake, tracking) until stopPolling or shutdown. */
  startPolling(profileId: string): void {
    if (this.stopped) throw new AppError({ code: 'cancelled', message: 'MESH Desktop is closing; try again after it restarts.' });
    if (this.pollingProfiles.has(profileId)) return;
    this.pollingProfiles.add(profileId);
    this.schedulePoll(profileId, 0);
  }

  /** Stops the schedule of one mailbox. */
  stopPolling(profileId: string): void {
    this.pollingProfiles.delete(profileId);
    const timer = this.pollTimers.get(profileId);
    if (timer) clearTimeout(timer);
    this.pollTimers.delete(profileId);
  }

  private schedulePoll(profileId: string, delayMs: number): void {
    const timer = setTimeout(() => void this.pollTick(profileId), Math.max(0, delayMs));
    timer.unref();
    this.pollTimers.set(profileId, timer);
  }

  private async pollTick(profileId: string): Promise<void> {
    this.pollTimers.delete(profileId);
    if (this.stopped || !this.pollingProfiles.has(profileId)) return;
    let intervalMinutes: number | undefined;
    let failedAt: Date | undefined;
    try {
      intervalMinutes = (await this.deps.mailboxSettings?.(profileId))?.pollIntervalMinutes;
      const due = nextInboxPollAt(await this.pollHistory(profileId), intervalMinutes, this.deps.clock());
      if (due <= this.deps.clock()) {
        const result = await this.pollInbox(profileId);
        this.pollFailures.delete(profileId);
        // A backlog is listed again at once, but only after this batch is received and acknowledged.
        if (result.moreWaiting) await this.deps.queue.downloadsSettled(profileId);
      }
    } catch (error) {
      const failures = (this.pollFailures.get(profileId) ?? 0) + 1;
      this.pollFailures.set(profileId, failures);
      failedAt = this.deps.clock();
      this.deps.log.warn('Inbox check failed; will try again later', { profileId, error: toAppError(error).code, failures });
    }
    try {
      await this.refreshTracking(profileId);
    } catch (error) {
      this.deps.log.warn('Tracking refresh failed', { profileId, error: toAppError(error).code });
    }
    if (this.stopped || !this.pollingProfiles.has(profileId)) return;
    const now = this.deps.clock();
    const schedule = await this.deps.store(profileId).schedule();
    // Wake for the next inbox check, handshake or tracking round, whichever comes first.
    const inboxDue = failedAt
      ? new Date(failedAt.getTime() + retryDelayAfterFailedPoll(this.pollFailures.get(profileId) ?? 1, intervalMinutes))
      : nextInboxPollAt(await this.pollHistory(profileId), intervalMinutes, now);
    const next =
      earliest(
        inboxDue,
        nextHandshakeAt(schedule.lastHandshakeAt ? new Date(schedule.lastHandshakeAt) : undefined, this.deps.runStartedAt, now),
        new Date(now.getTime() + TRACKING_INTERVAL_MS),
      ) ?? now;
    this.schedulePoll(profileId, next.getTime() - now.getTime());
  }

  /** Inbox checks that failed in a row, per mailbox, for the back-off. */
  private readonly pollFailures = new Map<string, number>();

  private async pollHistory(profileId: string): Promise<PollHistory> {
    const schedule = await this.deps.store(profileId).schedule();
    return {
      ...(schedule.lastPollAt ? { lastPollAt: new Date(schedule.lastPollAt) } : {}),
      ...(schedule.moreWaiting ? { moreWaiting: true } : {}),
    };
  }

  /** Stops every schedule and waits for checks in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.pollTimers.values()) clearTimeout(timer);
    this.pollTimers.clear();
    this.pollingProfiles.clear();
    await Promise.allSettled([...this.polls.values()]);
  }
}
