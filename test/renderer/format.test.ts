import { describe, expect, it } from 'vitest';
import {
  countOf,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatExpiresIn,
  formatRate,
  formatWhen,
  parseTime,
  percentOf,
} from '../../renderer/src/lib/format';

describe('formatBytes', () => {
  it.each([
    [undefined, '—'],
    [-1, '—'],
    [Number.NaN, '—'],
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [1024 * 1024, '1 MB'],
    [5.25 * 1024 * 1024, '5.3 MB'],
    [20 * 1024 ** 3, '20 GB'],
    [3 * 1024 ** 4, '3 TB'],
    [5000 * 1024 ** 4, '5000 TB'],
  ])('%s bytes is "%s"', (bytes, words) => {
    expect(formatBytes(bytes)).toBe(words);
  });
});

describe('formatRate', () => {
  it('says a rate per second, or nothing when unknown or zero', () => {
    expect(formatRate(2 * 1024 * 1024)).toBe('2 MB per second');
    expect(formatRate(0)).toBeUndefined();
    expect(formatRate(undefined)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [undefined, undefined],
    [-5, undefined],
    [10, 'less than a minute'],
    [44, 'less than a minute'],
    [45, 'about 1 minute'],
    [60, 'about 1 minute'],
    [150, 'about 3 minutes'],
    [89 * 60, 'about 89 minutes'],
    [2 * 3600, 'about 2 hours'],
    [3 * 86400, 'about 3 days'],
  ])('%s seconds is "%s"', (seconds, words) => {
    expect(formatDuration(seconds)).toBe(words);
  });
});

describe('formatExpiresIn', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it.each([
    [undefined, '—'],
    ['not a date', '—'],
    ['2026-03-10T11:00:00Z', 'expired'],
    ['2026-03-10T12:00:30Z', 'in 1 minute'],
    ['2026-03-10T12:20:00Z', 'in 20 minutes'],
    ['2026-03-10T13:00:00Z', 'in 1 hour'],
    ['2026-03-10T17:30:00Z', 'in 5 hours'],
    ['2026-03-11T12:00:00Z', 'in 1 day'],
    ['2026-03-14T13:00:00Z', 'in 4 days'],
  ])('%s is "%s"', (iso, words) => {
    expect(formatExpiresIn(iso, now)).toBe(words);
  });
});

describe('dates', () => {
  it('reads ISO times and refuses nonsense', () => {
    expect(parseTime('2026-03-10T12:00:00Z')?.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(parseTime('yesterday')).toBeUndefined();
    expect(parseTime(undefined)).toBeUndefined();
  });

  it('writes a date and time the British way', () => {
    expect(formatDateTime('2026-03-10T14:05:00Z', 'UTC')).toBe('10 Mar 2026, 14:05');
    expect(formatDateTime(undefined)).toBe('—');
  });

  it('shows only the time for today, and the date too for other days', () => {
    const now = new Date('2026-03-10T18:00:00Z');
    expect(formatWhen('2026-03-10T14:05:00Z', now, 'UTC')).toBe('14:05');
    expect(formatWhen('2026-03-09T14:05:00Z', now, 'UTC')).toBe('9 Mar 2026, 14:05');
  });
});

describe('counting', () => {
  it('uses the singular for one', () => {
    expect(countOf(1, 'message')).toBe('1 message');
    expect(countOf(0, 'message')).toBe('0 messages');
    expect(countOf(2, 'of them has', 'of them have')).toBe('2 of them have');
  });

  it('gives whole percentages within 0–100, none for an unknown total', () => {
    expect(percentOf(50, 200)).toBe(25);
    expect(percentOf(199, 200)).toBe(99);
    expect(percentOf(300, 200)).toBe(100);
    expect(percentOf(5, 0)).toBeUndefined();
    expect(percentOf(5, undefined)).toBeUndefined();
  });
});
