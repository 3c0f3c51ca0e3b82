import { describe, expect, it } from 'vitest';
import { createAuthHeader } from '../../../main/mesh/auth';
import { type AuthenticationInput, TokenReplayGuard, authenticate } from '../../../main/sandbox/authenticate';
import type { SandboxMailbox } from '../../../main/sandbox/index';

const now = new Date('2026-05-01T12:00:00Z');
const mailboxes: SandboxMailbox[] = [
  { mailbox_id: 'MB1', mailbox_name: 'One', ods_code: 'X', org_code: 'X', password: 'pw' },
  { mailbox_id: 'OFF', mailbox_name: 'Off', ods_code: 'X', org_code: 'X', password: 'pw', active: false },
];

function input(overrides: Partial<AuthenticationInput> = {}): AuthenticationInput {
  return {
    authorization: createAuthHeader({ mailboxId: 'MB1', password: 'pw', sharedKey: 'key', now }),
    pathMailboxId: 'MB1',
    findMailbox: (id) => mailboxes.find((mailbox) => mailbox.mailbox_id === id),
    sharedKey: 'key',
    mode: 'full',
    checkTimestamp: true,
    now,
    ...overrides,
  };
}

function reason(overrides: Partial<AuthenticationInput>): string {
  const result = authenticate(input(overrides));
  if (result.ok) throw new Error('expected refusal');
  expect(result.error.status).toBe(403);
  return result.reason;
}

describe('authenticate', () => {
  it('accepts a correct token', () => {
    expect(authenticate(input())).toMatchObject({ ok: true, mailbox: { mailbox_id: 'MB1' } });
  });

  it.each([
    ['no header', { authorization: undefined }, 'no Authorization'],
    ['a blank header', { authorization: '  ' }, 'no Authorization'],
    ['four fields', { authorization: 'NHSMESH MB1:n:0:202605011200' }, 'not an NHSMESH'],
    ['a non-numeric count', { authorization: 'NHSMESH MB1:n:x:202605011200:abc' }, 'not an NHSMESH'],
    ['another mailbox in the path', { pathMailboxId: 'MB2' }, 'token is for MB1'],
    ['a wrong shared key', { sharedKey: 'other' }, 'hash'],
  ])('refuses %s', (_name, overrides, expected) => {
    expect(reason(overrides as Partial<AuthenticationInput>)).toContain(expected);
  });

  it('refuses an unknown mailbox with EPL-151', () => {
    const result = authenticate(
      input({
        authorization: createAuthHeader({ mailboxId: 'GHOST', password: 'pw', sharedKey: 'key', now }),
        pathMailboxId: 'GHOST',
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.body).toMatchObject({ kind: 'mesh', error: { code: 'EPL-151' } });
  });

  it('refuses an inactive mailbox', () => {
    const authorization = createAuthHeader({ mailboxId: 'OFF', password: 'pw', sharedKey: 'key', now });
    expect(reason({ authorization, pathMailboxId: 'OFF' })).toBe('mailbox is inactive');
  });

  it.each([
    [-120, true],
    [120, true],
    [-121, false],
    [121, false],
  ])('with the token %i minutes from server time accepts: %s', (minutes, accepted) => {
    const authorization = createAuthHeader({
      mailboxId: 'MB1',
      password: 'pw',
      sharedKey: 'key',
      now: new Date(now.getTime() + minutes * 60_000),
    });
    expect(authenticate(input({ authorization })).ok).toBe(accepted);
  });

  it('ignores the timestamp when told to', () => {
    const authorization = createAuthHeader({ mailboxId: 'MB1', password: 'pw', sharedKey: 'key', now: new Date('2015-01-01T00:00:00Z') });
    expect(authenticate(input({ authorization, checkTimestamp: false })).ok).toBe(true);
  });

  it('refuses a reused token only when a replay guard is given', () => {
    const authorization = createAuthHeader({ mailboxId: 'MB1', password: 'pw', sharedKey: 'key', now, nonce: 'n1' });
    const replayGuard = new TokenReplayGuard();
    expect(authenticate(input({ authorization, replayGuard })).ok).toBe(true);
    expect(reason({ authorization, replayGuard })).toBe('token already used');
    expect(authenticate(input({ authorization })).ok).toBe(true);
  });

  it('does not remember tokens that failed', () => {
    const replayGuard = new TokenReplayGuard();
    const wrong = createAuthHeader({ mailboxId: 'MB1', password: 'nope', sharedKey: 'key', now, nonce: 'n2' });
    authenticate(input({ authorization: wrong, replayGuard }));
    expect(replayGuard.size).toBe(0);
  });

  it('needs only an existing mailbox in mode none', () => {
    expect(authenticate(input({ mode: 'none', authorization: undefined })).ok).toBe(true);
    expect(authenticate(input({ mode: 'none', pathMailboxId: 'GHOST' })).ok).toBe(false);
  });
});

describe('TokenReplayGuard', () => {
  it('forgets tokens after the retention time', () => {
    const guard = new TokenReplayGuard(1000);
    expect(guard.firstUse('a', 0)).toBe(true);
    expect(guard.firstUse('a', 999)).toBe(false);
    expect(guard.firstUse('b', 1000)).toBe(true);
    expect(guard.size).toBe(1);
    expect(guard.firstUse('a', 1001)).toBe(true);
  });
});
