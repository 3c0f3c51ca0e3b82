/**
 * Checks the `Authorization: NHSMESH …` header of a mailbox request. Mirrors
 * NHS's sandbox (messages and order of checks, mesh-api.md §4.1) and adds what
 * real MESH does on top: a ±2 hour timestamp window and one-use tokens.
 */
import { authHashMatches, parseAuthHeader, parseMeshTimestamp } from '../mesh/auth';
import { type SandboxHttpError, meshError, textError } from './mesh-errors';
import type { SandboxMailbox } from './types';

/** Real MESH accepts tokens whose timestamp is within this distance of its clock. */
export const TOKEN_TIME_WINDOW_MS = 2 * 60 * 60 * 1000;

/** Remembers tokens already used so a second use can be refused. */
export class TokenReplayGuard {
  // Insertion order is (nearly) time order, so expired entries sit at the front.
  private readonly seen = new Map<string, number>();

  constructor(private readonly retainMs: number = 2 * TOKEN_TIME_WINDOW_MS) {}

  /** True the first time a token is offered; false on every later offer within the retention time. */
  firstUse(token: string, nowMs: number): boolean {
    this.forgetBefore(nowMs);
    if (this.seen.has(token)) return false;
    this.seen.set(token, nowMs + this.retainMs);
    return true;
  }

  /** Number of tokens remembered (for tests of the pruning). */
  get size(): number {
    return this.seen.size;
  }

  private forgetBefore(nowMs: number): void {
    for (const [token, expiresAt] of this.seen) {
      if (expiresAt > nowMs) break;
      this.seen.delete(token);
    }
  }
}

export interface AuthenticationInput {
  authorization: string | undefined;
  /** Mailbox id from the path, already upper-cased. */
  pathMailboxId: string;
  findMailbox: (mailboxId: string) => SandboxMailbox | undefined;
  sharedKey: string;
  mode: 'full' | 'none';
  checkTimestamp: boolean;
  /** Omit to accept reused tokens. */
  replayGuard?: TokenReplayGuard;
  now: Date;
}

export type AuthenticationResult = { ok: true; mailbox: SandboxMailbox } | { ok: false; error: SandboxHttpError; reason: string };

function refuse(error: SandboxHttpError, reason: string): AuthenticationResult {
  return { ok: false, error, reason };
}

const READ_ERROR = 'Error reading from Authorization header';
const INVALID_TOKEN = 'Invalid Authentication Token';

/** Decides whether a request may act as the mailbox in its path. */
export function authenticate(input: AuthenticationInput): AuthenticationResult {
  if (input.mode === 'none') {
    const mailbox = input.findMailbox(input.pathMailboxId);
    if (!mailbox) return refuse(meshError(403, 'noMailboxMatched'), 'unknown mailbox');
    return checkActive(mailbox);
  }

  const header = (input.authorization ?? '').trim();
  if (header === '') return refuse(textError(403, READ_ERROR), 'no Authorization header');
  const parts = parseAuthHeader(header);
  if (!parts) return refuse(textError(403, READ_ERROR), 'Authorization header is not an NHSMESH token');
  if (parts.mailboxId !== input.pathMailboxId) {
    return refuse(textError(403, 'Mailbox id does not match token'), `token is for ${parts.mailboxId}`);
  }
  const mailbox = input.findMailbox(parts.mailboxId);
  if (!mailbox) return refuse(meshError(403, 'noMailboxMatched'), 'unknown mailbox');
  if (!authHashMatches(parts, mailbox.password, input.sharedKey)) {
    return refuse(textError(403, INVALID_TOKEN), 'hash does not match (wrong password or shared key)');
  }
  if (input.checkTimestamp) {
    const issuedAt = parseMeshTimestamp(parts.timestamp);
    if (!issuedAt) return refuse(textError(403, INVALID_TOKEN), `timestamp ${parts.timestamp} is not yyyyMMddHHmm`);
    if (Math.abs(issuedAt.getTime() - input.now.getTime()) > TOKEN_TIME_WINDOW_MS) {
      return refuse(textError(403, INVALID_TOKEN), `timestamp ${parts.timestamp} is more than 2 hours from server time`);
    }
  }
  if (input.replayGuard) {
    const token = `${parts.mailboxId}:${parts.nonce}:${parts.nonceCount}`;
    if (!input.replayGuard.firstUse(token, input.now.getTime())) {
      return refuse(textError(403, 'Error Duplicated Authentication Token'), 'token already used');
    }
  }
  return checkActive(mailbox);
}

function checkActive(mailbox: SandboxMailbox): AuthenticationResult {
  if (mailbox.active === false) {
    return refuse(textError(403, 'Request Received from Inactive Mailbox'), 'mailbox is inactive');
  }
  return { ok: true, mailbox };
}
