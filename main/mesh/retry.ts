import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../shared/errors';

/** How hard to retry a request that failed in a way that may pass. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** Backoff before retry 1; doubles each time (full jitter). */
  baseDelayMs: number;
  /** Longest backoff between attempts. */
  maxDelayMs: number;
  /** Longest wait a server's Retry-After may ask for; longer requests are capped here. */
  maxRetryAfterMs: number;
}

/** Defaults close to NHS's Python client (3 retries, 0.5 s factor) but a little more patient. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Statuses worth retrying: the server (or a gateway) said "not now", not "no". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([425, 429, 502, 503, 504]);

/**
 * Statuses that mean the server refused the request before acting on it, so
 * even the first POST /outbox may be repeated after them. 502 and 504 are not
 * here: a gateway may have given up while MESH went on to store the message.
 */
export const REFUSED_STATUSES: ReadonlySet<number> = new Set([425, 429, 503]);

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'Z_DATA_ERROR',
  'Z_BUF_ERROR',
  'ERR_CONTENT_LENGTH_MISMATCH',
]);

/** True when a transport error code is worth another attempt (for requests that are safe to repeat). */
export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** Milliseconds before retry number `attempt` (1-based): full jitter over an exponential ceiling. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random());
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/** The wait before the next attempt: the server's Retry-After when given (capped), else backoff. */
export function nextDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return backoffDelayMs(attempt, policy, random);
}

/** Waits ms, or throws a 'cancelled' AppError as soon as the signal aborts. */
export async function waitOrCancel(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw new AppError({ code: 'cancelled', message: 'The transfer was cancelled.', cause: error });
    throw error;
  }
}
