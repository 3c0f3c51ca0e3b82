import { describe, expect, it } from 'vitest';
import { decodeContinuation, encodeContinuation } from '../../../main/sandbox/continuation';

describe('continuation tokens', () => {
  const token = encodeContinuation({ mailboxId: 'MB1', afterSeq: 42 }, 'key');

  it('round-trips and is URL-safe and at least 24 characters', () => {
    expect(token).toMatch(/^[A-Za-z0-9_.-]{24,}$/);
    expect(decodeContinuation(token, 'key', 'MB1')).toEqual({ mailboxId: 'MB1', afterSeq: 42 });
  });

  it('refuses a token for another mailbox', () => {
    expect(decodeContinuation(token, 'key', 'MB2')).toBeUndefined();
  });

  it('refuses a token signed with another key', () => {
    expect(decodeContinuation(token, 'other', 'MB1')).toBeUndefined();
  });

  it('refuses an edited payload', () => {
    const [, signature] = token.split('.');
    const edited = Buffer.from(JSON.stringify({ m: 'MB1', s: 1 })).toString('base64url');
    expect(decodeContinuation(`${edited}.${signature}`, 'key', 'MB1')).toBeUndefined();
  });

  it.each(['', 'abc', 'a.b.c', '....'])('refuses junk %j', (junk) => {
    expect(decodeContinuation(junk, 'key', 'MB1')).toBeUndefined();
  });
});
