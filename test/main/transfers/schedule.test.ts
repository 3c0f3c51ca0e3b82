import { describe, expect, it } from 'vitest';
import {
  MAX_POLL_INTERVAL_MINUTES,
  MIN_POLL_INTERVAL_MINUTES,
  checkNowDecision,
  earliest,
  isFinalTrackingStatus,
  nextHandshakeAt,
  nextInboxPollAt,
  pollIntervalMs,
  trackingDue,
} from '../../../main/transfers/schedule';

const MIN = 60_000;
const at = (iso: string) => new Date(iso);
const NOW = at('2025-03-10T12:00:00Z');
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * MIN);

describe('pollIntervalMs keeps to MESH’s 5 minutes – 24 hours', () => {
  it.each([
    [undefined, 5],
    [1, 5],
    [4.9, 5],
    [5, 5],
    [15, 15],
    [1440, 1440],
    [5000, 1440],
    [Number.NaN, 5],
    [-10, 5],
  ])('%s minutes → %i', (configured, expected) => {
    expect(pollIntervalMs(configured)).toBe(expected * MIN);
  });

  it('exposes the limits', () => {
    expect(MIN_POLL_INTERVAL_MINUTES).toBe(5);
    expect(MAX_POLL_INTERVAL_MINUTES).toBe(1440);
  });
});

describe('nextInboxPollAt', () => {
  it('polls at once when never polled', () => {
    expect(nextInboxPollAt({}, 5, NOW)).toEqual(NOW);
  });

  it('waits the interval after the last poll', () => {
    expect(nextInboxPollAt({ lastPollAt: minutesBefore(2) }, 5, NOW)).toEqual(new Date(NOW.getTime() + 3 * MIN));
    expect(nextInboxPollAt({ lastPollAt: minutesBefore(2) }, 30, NOW)).toEqual(new Date(NOW.getTime() + 28 * MIN));
  });

  it('never goes below the 5-minute floor even when configured lower', () => {
    expect(nextInboxPollAt({ lastPollAt: minutesBefore(1) }, 1, NOW)).toEqual(new Date(NOW.getTime() + 4 * MIN));
  });

  it('polls at least daily even when configured higher', () => {
    expect(nextInboxPollAt({ lastPollAt: NOW }, 10_000, NOW)).toEqual(new Date(NOW.getTime() + 1440 * MIN));
  });

  it('polls straight away again while more messages are waiting', () => {
    expect(nextInboxPollAt({ lastPollAt: minutesBefore(0), moreWaiting: true }, 5, NOW)).toEqual(NOW);
  });

  it('is now (not in the past) when overdue', () => {
    expect(nextInboxPollAt({ lastPollAt: minutesBefore(600) }, 5, NOW)).toEqual(NOW);
  });
});

describe('checkNowDecision (a manual check respects the floor)', () => {
  it('allows a check when never polled', () => {
    expect(checkNowDecision({}, NOW)).toEqual({ allowed: true });
  });

  it('refuses within 5 minutes of the last check and says when it will be allowed', () => {
    expect(checkNowDecision({ lastPollAt: minutesBefore(3) }, NOW)).toEqual({
      allowed: false,
      nextAllowedAt: new Date(NOW.getTime() + 2 * MIN),
    });
  });

  it('allows exactly at 5 minutes and after', () => {
    expect(checkNowDecision({ lastPollAt: minutesBefore(5) }, NOW)).toEqual({ allowed: true });
    expect(checkNowDecision({ lastPollAt: minutesBefore(50) }, NOW)).toEqual({ allowed: true });
  });

  it('ignores a longer configured interval: the floor is 5 minutes', () => {
    expect(checkNowDecision({ lastPollAt: minutesBefore(6) }, NOW)).toEqual({ allowed: true });
  });

  it('allows draining a backlog at once', () => {
    expect(checkNowDecision({ lastPollAt: minutesBefore(0), moreWaiting: true }, NOW)).toEqual({ allowed: true });
  });
});

describe('nextHandshakeAt', () => {
  const started = minutesBefore(10);

  it('handshakes at start when there was none', () => {
    expect(nextHandshakeAt(undefined, started, NOW)).toEqual(NOW);
  });

  it('handshakes at start even if one was done in an earlier run', () => {
    expect(nextHandshakeAt(minutesBefore(60), started, NOW)).toEqual(NOW);
  });

  it('then once a day', () => {
    expect(nextHandshakeAt(minutesBefore(5), started, NOW)).toEqual(new Date(NOW.getTime() + (1440 - 5) * MIN));
  });

  it('is due now when a day has passed', () => {
    const longRun = new Date(NOW.getTime() - 3 * 1440 * MIN);
    expect(nextHandshakeAt(minutesBefore(1441), longRun, NOW)).toEqual(NOW);
  });
});

describe('trackingDue', () => {
  const sentAt = minutesBefore(60);

  it('asks 15 minutes after sending, then every 15 minutes', () => {
    expect(trackingDue({ sentAt: minutesBefore(10) }, NOW)).toBe(false);
    expect(trackingDue({ sentAt: minutesBefore(15) }, NOW)).toBe(true);
    expect(trackingDue({ sentAt, lastTrackedAt: minutesBefore(14) }, NOW)).toBe(false);
    expect(trackingDue({ sentAt, lastTrackedAt: minutesBefore(15) }, NOW)).toBe(true);
  });

  it('stops once the status is final', () => {
    for (const status of ['acknowledged', 'undeliverable', 'error', 'Acknowledged']) {
      expect(trackingDue({ sentAt, status }, NOW)).toBe(false);
      expect(trackingDue({ sentAt, status }, NOW, true)).toBe(false);
    }
  });

  it('keeps asking while accepted or uploading', () => {
    expect(trackingDue({ sentAt, status: 'accepted', lastTrackedAt: minutesBefore(20) }, NOW)).toBe(true);
    expect(trackingDue({ sentAt, status: 'uploading', lastTrackedAt: minutesBefore(20) }, NOW)).toBe(true);
  });

  it('on demand asks at once, but not more than once a minute', () => {
    expect(trackingDue({ sentAt: NOW }, NOW, true)).toBe(true);
    expect(trackingDue({ sentAt, lastTrackedAt: minutesBefore(0.5) }, NOW, true)).toBe(false);
    expect(trackingDue({ sentAt, lastTrackedAt: minutesBefore(1) }, NOW, true)).toBe(true);
  });

  it('knows the final statuses', () => {
    expect(isFinalTrackingStatus('accepted')).toBe(false);
    expect(isFinalTrackingStatus(undefined)).toBe(false);
    expect(isFinalTrackingStatus('undeliverable')).toBe(true);
  });
});

describe('earliest', () => {
  it('picks the earliest defined time', () => {
    expect(earliest(undefined, at('2025-01-02T00:00:00Z'), at('2025-01-01T00:00:00Z'))).toEqual(at('2025-01-01T00:00:00Z'));
    expect(earliest()).toBeUndefined();
  });
});

describe('retrying a failed inbox check', () => {
  it('backs off from 30 seconds, doubling, up to the mailbox interval', async () => {
    const { retryDelayAfterFailedPoll } = await import('../../../main/transfers/schedule');
    expect([1, 2, 3, 4, 5].map((n) => retryDelayAfterFailedPoll(n, 5))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000]);
    expect(retryDelayAfterFailedPoll(50, 60)).toBe(60 * 60_000);
    expect(retryDelayAfterFailedPoll(0, 15)).toBe(30_000);
  });
});
