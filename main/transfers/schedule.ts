/**
 * When to talk to MESH, by NHS's rules (mesh-api.md §7): list the inbox at
 * most every 5 minutes and at least once a day, straight away again while
 * more messages are waiting; handshake at start and at least daily; track
 * sent messages politely and stop once their status is final. Pure functions
 * of the recorded history and the time now.
 */

const MINUTE_MS = 60_000;

/** MESH's floor: never list the inbox more often than this (except to drain a backlog). */
export const MIN_POLL_INTERVAL_MINUTES = 5;
/** MESH's ceiling: list the inbox at least once a day. */
export const MAX_POLL_INTERVAL_MINUTES = 24 * 60;
/** A handshake at least this often keeps the mailbox "seen" by Spine monitoring. */
export const HANDSHAKE_INTERVAL_MS = 24 * 60 * MINUTE_MS;
/** Sent messages are tracked at most this often each (delivery can take hours). */
export const TRACKING_INTERVAL_MS = 15 * MINUTE_MS;
/** Even a person pressing "refresh" repeatedly asks MESH about one message at most this often. */
export const TRACKING_ON_DEMAND_FLOOR_MS = MINUTE_MS;

/** Tracking statuses after which nothing more will happen to a message. */
export const FINAL_TRACKING_STATUSES: ReadonlySet<string> = new Set(['acknowledged', 'undeliverable', 'error', 'expired', 'rejected']);

/** The configured polling interval, forced into MESH's 5 minutes – 24 hours, in ms. */
export function pollIntervalMs(configuredMinutes: number | undefined): number {
  const minutes = configuredMinutes === undefined || !Number.isFinite(configuredMinutes) ? MIN_POLL_INTERVAL_MINUTES : configuredMinutes;
  return Math.min(MAX_POLL_INTERVAL_MINUTES, Math.max(MIN_POLL_INTERVAL_MINUTES, minutes)) * MINUTE_MS;
}

/** What the scheduler remembers about one mailbox's inbox checks. */
export interface PollHistory {
  /** When the inbox was last listed (successfully or not). */
  lastPollAt?: Date;
  /** The last listing stopped with more messages waiting (a full page or links.next not followed). */
  moreWaiting?: boolean;
}

/** When the inbox should next be listed: now when never listed or a backlog is waiting, else last + interval. */
export function nextInboxPollAt(history: PollHistory, configuredMinutes: number | undefined, now: Date): Date {
  if (!history.lastPollAt || history.moreWaiting) return now;
  const due = new Date(history.lastPollAt.getTime() + pollIntervalMs(configuredMinutes));
  return due < now ? now : due;
}

/** The answer to "check now": go ahead, or the earliest time MESH's 5-minute floor allows. */
export type CheckNowDecision = { allowed: true } | { allowed: false; nextAllowedAt: Date };

/** Whether a manual check may list the inbox now: only if 5 minutes have passed, or a backlog is waiting. */
export function checkNowDecision(history: PollHistory, now: Date): CheckNowDecision {
  if (!history.lastPollAt || history.moreWaiting) return { allowed: true };
  const nextAllowedAt = new Date(history.lastPollAt.getTime() + MIN_POLL_INTERVAL_MINUTES * MINUTE_MS);
  return nextAllowedAt <= now ? { allowed: true } : { allowed: false, nextAllowedAt };
}

/** When the next handshake is due: at once if none since this run started, else a day after the last. */
export function nextHandshakeAt(lastHandshakeAt: Date | undefined, runStartedAt: Date, now: Date): Date {
  if (!lastHandshakeAt || lastHandshakeAt < runStartedAt) return now;
  const due = new Date(lastHandshakeAt.getTime() + HANDSHAKE_INTERVAL_MS);
  return due < now ? now : due;
}

/** What tracking needs to know about a sent message. */
export interface TrackingHistory {
  status?: string;
  sentAt: Date;
  lastTrackedAt?: Date;
}

/** True once nothing more will happen to the message (acknowledged, undeliverable, error…). */
export function isFinalTrackingStatus(status: string | undefined): boolean {
  return status !== undefined && FINAL_TRACKING_STATUSES.has(status.toLowerCase());
}

/**
 * Whether to ask MESH about a sent message now. Never once final. On demand:
 * at most once a minute. Otherwise every 15 minutes, counted from the send.
 */
export function trackingDue(history: TrackingHistory, now: Date, onDemand = false): boolean {
  if (isFinalTrackingStatus(history.status)) return false;
  if (onDemand) {
    return history.lastTrackedAt === undefined || now.getTime() - history.lastTrackedAt.getTime() >= TRACKING_ON_DEMAND_FLOOR_MS;
  }
  const since = history.lastTrackedAt ?? history.sentAt;
  return now.getTime() - since.getTime() >= TRACKING_INTERVAL_MS;
}

/** The earliest of some optional times (undefined when none). */
export function earliest(...times: Array<Date | undefined>): Date | undefined {
  let result: Date | undefined;
  for (const time of times) if (time && (!result || time < result)) result = time;
  return result;
}

/**
 * How long to wait after a failed inbox check before trying again: 30 s,
 * doubling with each failure in a row, never longer than the mailbox's own
 * interval. A wrong password or a missing certificate must not turn into a
 * tight loop of refused requests to MESH.
 */
export function retryDelayAfterFailedPoll(consecutiveFailures: number, configuredMinutes: number | undefined): number {
  const backoff = 30_000 * 2 ** Math.max(0, Math.min(consecutiveFailures - 1, 16));
  return Math.min(backoff, pollIntervalMs(configuredMinutes));
}
