import { describe, expect, it } from 'vitest';
import { parseCompactTimestamp, parseIsoTimestamp, parseMeshDateTime } from '../../../main/mesh/timestamps';

describe('parseCompactTimestamp', () => {
  it('reads yyyyMMddHHmmss as UTC', () => {
    expect(parseCompactTimestamp('20200601122152')?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
  });
  it.each(['2020060112215', '202006011221520', '20201301000000', '20200231000000', '20200601246000', 'abcdefghijklmn', ''])(
    'refuses %s',
    (value) => expect(parseCompactTimestamp(value)).toBeUndefined(),
  );
});

describe('parseIsoTimestamp', () => {
  it('treats a zone-less time as UTC and drops microseconds', () => {
    expect(parseIsoTimestamp('2026-11-30T15:26:57.979321')?.toISOString()).toBe('2026-11-30T15:26:57.979Z');
  });
  it('reads seconds-less, Z and offset forms', () => {
    expect(parseIsoTimestamp('2020-06-01T12:21')?.toISOString()).toBe('2020-06-01T12:21:00.000Z');
    expect(parseIsoTimestamp('2020-06-01T12:21:52Z')?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
    expect(parseIsoTimestamp('2020-06-01T12:21:52+01:00')?.toISOString()).toBe('2020-06-01T11:21:52.000Z');
    expect(parseIsoTimestamp('2020-06-01T12:21:52-0530')?.toISOString()).toBe('2020-06-01T17:51:52.000Z');
    expect(parseIsoTimestamp('2020-06-01 12:21:52.5')?.toISOString()).toBe('2020-06-01T12:21:52.500Z');
  });
  it.each(['2020-02-30T00:00:00', '2020-06-01', 'yesterday', '2020-06-01T25:00:00'])('refuses %s', (value) =>
    expect(parseIsoTimestamp(value)).toBeUndefined(),
  );
});

describe('parseMeshDateTime', () => {
  it('reads both MESH styles', () => {
    expect(parseMeshDateTime('20200606122153')?.toISOString()).toBe('2020-06-06T12:21:53.000Z');
    expect(parseMeshDateTime('2020-06-01T12:21:52')?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
  });
  it('gives undefined for empty, null and junk', () => {
    expect(parseMeshDateTime(undefined)).toBeUndefined();
    expect(parseMeshDateTime(null)).toBeUndefined();
    expect(parseMeshDateTime('  ')).toBeUndefined();
    expect(parseMeshDateTime('soon')).toBeUndefined();
  });
});
