import { describe, expect, it } from 'vitest';
import { certificateStatus, certificateWarning, daysUntilExpiry, formatUkDate } from '../../../main/certs/expiry';

const DAY = 24 * 60 * 60 * 1000;
const notAfter = new Date('2026-06-15T12:00:00Z');
const before = (ms: number) => new Date(notAfter.getTime() - ms);

describe('certificateWarning', () => {
  it.each([
    ['a year before', 365 * DAY],
    ['31 days before', 31 * DAY],
    ['one minute more than 30 days before', 30 * DAY + 60_000],
  ])('says nothing %s', (_label, ms) => {
    expect(certificateWarning(notAfter, before(ms))).toEqual({ level: 'none' });
  });

  it.each([
    ['exactly 30 days before', 30 * DAY, 30, 'in 30 days'],
    ['12 and a half days before', 12.5 * DAY, 12, 'in 12 days'],
    ['one day before', DAY, 1, 'in 1 day'],
    ['an hour before', 60 * 60 * 1000, 0, 'within a day'],
    ['at the last valid moment', 0, 0, 'within a day'],
  ])('warns %s', (_label, ms, daysLeft, words) => {
    const warning = certificateWarning(notAfter, before(ms));
    expect(warning.level).toBe('warning');
    if (warning.level !== 'warning') return;
    expect(warning.daysLeft).toBe(daysLeft);
    expect(warning.message).toBe(
      `Your MESH certificate expires ${words} (on 15 June 2026). Ask your IT service desk for a new one now, so that sending and receiving do not stop.`,
    );
  });

  it.each([
    ['a second after', -1000],
    ['a year after', -365 * DAY],
  ])('blocks %s expiry', (_label, ms) => {
    expect(certificateWarning(notAfter, before(ms))).toEqual({
      level: 'blocked',
      message:
        'Your MESH certificate expired on 15 June 2026, so MESH Desktop cannot connect to this mailbox. Ask your IT service desk for a new certificate, then import it in Settings.',
    });
  });
});

describe('certificateStatus', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  it.each([
    ['before it starts', new Date('2025-12-31T23:59:59Z'), 'not-yet-valid'],
    ['on its first moment', notBefore, 'valid'],
    ['in the middle', new Date('2026-03-01T00:00:00Z'), 'valid'],
    ['30 days before the end', before(30 * DAY), 'expiring-soon'],
    ['at the end', notAfter, 'expiring-soon'],
    ['after the end', before(-1), 'expired'],
  ] as const)('is %s → %s', (_label, now, expected) => {
    expect(certificateStatus(notBefore, notAfter, now)).toBe(expected);
  });
});

describe('daysUntilExpiry', () => {
  it.each([
    [10 * DAY, 10],
    [10 * DAY - 1, 9],
    [0, 0],
    [-1, -1],
    [-DAY, -1],
    [-DAY - 1, -2],
  ])('%i ms before → %i days', (ms, days) => {
    expect(daysUntilExpiry(notAfter, before(ms))).toBe(days);
  });
});

describe('formatUkDate', () => {
  it('writes the date in UK time, as people in England read it', () => {
    expect(formatUkDate(new Date('2026-03-03T10:00:00Z'))).toBe('3 March 2026');
    // 23:30 UTC in summer is already the next day in London.
    expect(formatUkDate(new Date('2026-07-31T23:30:00Z'))).toBe('1 August 2026');
  });
});
