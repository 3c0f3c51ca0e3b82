/**
 * The opaque `continue_from` token of v2 inbox paging. It carries the inbox
 * position after which the next page starts, signed so a client cannot forge
 * or edit it; unlike NHS's sandbox (which restarts from the top when the last
 * listed message has since been acknowledged) a position survives acknowledgements.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ContinuationPoint {
  mailboxId: string;
  /** Inbox sequence number of the last message on the previous page. */
  afterSeq: number;
}

function signature(key: string, payload: string): string {
  return createHmac('sha256', `continue_from:${key}`).update(payload).digest('base64url').slice(0, 22);
}

/** A token for links.next (URL-safe, 24+ characters as the spec requires). */
export function encodeContinuation(point: ContinuationPoint, key: string): string {
  const payload = Buffer.from(JSON.stringify({ m: point.mailboxId, s: point.afterSeq })).toString('base64url');
  return `${payload}.${signature(key, payload)}`;
}

/** The point a token stands for, or undefined when it is malformed, forged or for another mailbox. */
export function decodeContinuation(token: string, key: string, mailboxId: string): ContinuationPoint | undefined {
  const [payload, given, extra] = token.split('.');
  if (!payload || !given || extra !== undefined) return undefined;
  const expected = signature(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { m?: unknown; s?: unknown };
    if (value.m !== mailboxId || typeof value.s !== 'number' || !Number.isSafeInteger(value.s)) return undefined;
    return { mailboxId, afterSeq: value.s };
  } catch {
    return undefined;
  }
}
