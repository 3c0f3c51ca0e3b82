import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  REFUSED_STATUSES,
  RETRYABLE_STATUSES,
  backoffDelayMs,
  isRetryableCode,
  nextDelayMs,
  parseRetryAfterMs,
  waitOrCancel,
  type RetryPolicy,
} from '../../../main/mesh/retry';
import { AppError } from '../../../main/shared/errors';

const policy: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling each attempt up to the maximum', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, policy, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('applies full jitter', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});

describe('parseRetryAfterMs', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs('-1', now)).toBeUndefined();
  });
});

describe('nextDelayMs', () => {
  it('prefers Retry-After, capped', () => {
    expect(nextDelayMs(1, policy, 2000, () => 1)).toBe(2000);
    expect(nextDelayMs(1, policy, 60_000, () => 1)).toBe(5000);
    expect(nextDelayMs(2, policy, undefined, () => 1)).toBe(200);
  });
});

describe('retry classification', () => {
  it('retries the statuses MESH clients retry', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([425, 429, 502, 503, 504]);
    expect(RETRYABLE_STATUSES.has(500)).toBe(false);
  });
  it('only repeats a first POST after an outright refusal', () => {
    expect([...REFUSED_STATUSES].sort()).toEqual([425, 429, 503]);
  });
  it.each(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE', 'Z_BUF_ERROR'])(
    'retries %s',
    (code) => expect(isRetryableCode(code)).toBe(true),
  );
  it.each(['ENOTFOUND', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_PROXY_CONNECT', undefined])(
    'does not retry %s',
    (code) => expect(isRetryableCode(code)).toBe(false),
  );
  it('has sane defaults', () => {
    expect(DEFAULT_RETRY_POLICY.retries).toBeGreaterThanOrEqual(3);
    expect(DEFAULT_RETRY_POLICY.baseDelayMs).toBeLessThan(DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe('waitOrCancel', () => {
  it('resolves after the wait', async () => {
    await expect(waitOrCancel(1, undefined)).resolves.toBeUndefined();
  });
  it('turns an abort into a cancelled AppError', async () => {
    const controller = new AbortController();
    const waiting = waitOrCancel(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    await expect(waiting).rejects.toBeInstanceOf(AppError);
  });
});
