import { describe, expect, it } from 'vitest';
import { SandboxHttpError } from '../../../main/sandbox/mesh-errors';
import { hasControlCharacter, isTruthyFlag, parseHandshakeHeaders, parseSendHeaders } from '../../../main/sandbox/send-headers';

const base = { 'mex-to': 'x26abc2 ', 'mex-workflowid': ' WF ' };

function failure(headers: Record<string, string>): SandboxHttpError {
  try {
    parseSendHeaders(headers);
  } catch (error) {
    if (error instanceof SandboxHttpError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parseSendHeaders', () => {
  it('upper-cases and trims the recipient and trims the workflow', () => {
    expect(parseSendHeaders(base)).toMatchObject({ to: 'X26ABC2', workflowId: 'WF', chunkRange: '', contentEncoding: '' });
  });

  it('keeps optional values and reads the flags', () => {
    const parsed = parseSendHeaders({
      ...base,
      'mex-subject': 'S',
      'mex-localid': 'L',
      'mex-partnerid': 'P',
      'mex-filename': 'F',
      'mex-content-checksum': 'md5:00',
      'mex-content-type': 'text/csv',
      'mex-content-encrypted': 'yes',
      'mex-content-compressed': 'N',
      'content-encoding': ' GZIP ',
      'content-type': 'Application/Octet-Stream',
    });
    expect(parsed).toMatchObject({
      subject: 'S',
      localId: 'L',
      partnerId: 'P',
      fileName: 'F',
      checksum: 'md5:00',
      mexContentType: 'text/csv',
      encrypted: true,
      compressed: false,
      contentEncoding: 'gzip',
      contentType: 'application/octet-stream',
    });
  });

  it('lists every missing required header', () => {
    const error = failure({});
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({
      kind: 'validation',
      issues: [{ loc: ['header', 'mex-to'] }, { loc: ['header', 'mex-workflowid'] }],
    });
  });

  it.each([
    ['mex-to', 100],
    ['mex-workflowid', 300],
    ['mex-chunk-range', 20],
    ['mex-subject', 500],
    ['mex-localid', 300],
    ['mex-partnerid', 500],
    ['mex-filename', 300],
    ['mex-content-encrypted', 20],
    ['mex-content-compressed', 20],
    ['mex-content-checksum', 100],
    ['mex-content-type', 100],
  ])('allows %s up to %i characters and no more', (header, limit) => {
    expect(() => parseSendHeaders({ ...base, [header]: 'A'.repeat(limit) })).not.toThrow();
    const error = failure({ ...base, [header]: 'A'.repeat(limit + 1) });
    expect(error.body).toMatchObject({ kind: 'validation', issues: [{ loc: ['header', header], ctx: { limit_value: limit } }] });
  });

  it.each(['mex-subject', 'mex-localid', 'mex-filename', 'mex-partnerid', 'mex-to', 'mex-workflowid'])(
    'refuses a control character in %s with code 06',
    (header) => {
      const error = failure({ ...base, [header]: 'a\u0001b' });
      expect(error.status).toBe(400);
      expect(error.body).toMatchObject({ kind: 'mesh', error: { code: '06' } });
    },
  );

  it('ignores control characters in the flag headers, which the sandbox reads as booleans', () => {
    expect(parseSendHeaders({ ...base, 'mex-content-encrypted': 'Y\u0001' }).encrypted).toBe(false);
  });

  it.each(['http://x', 'HTTPS://x'])('refuses a URL %j as the recipient', (value) => {
    expect(failure({ ...base, 'mex-to': value }).body).toMatchObject({ kind: 'mesh', fields: ['mex-To'] });
  });

  it.each(['md5:abc', 'sha256:ABC-123/x y', 'plain'])('accepts checksum %j', (checksum) => {
    expect(parseSendHeaders({ ...base, 'mex-content-checksum': checksum }).checksum).toBe(checksum);
  });

  it.each(['md5=abc', 'a_b', 'x;y'])('refuses checksum %j', (checksum) => {
    expect(failure({ ...base, 'mex-content-checksum': checksum }).body).toMatchObject({
      kind: 'mesh',
      error: { code: 'Invalid checksum' },
    });
  });
});

describe('isTruthyFlag', () => {
  it.each(['y', 'Y', 'yes', 'T', 'true', 'on', '1', ' Yes '])('reads %j as true', (value) => {
    expect(isTruthyFlag(value)).toBe(true);
  });
  it.each([undefined, '', 'n', 'no', '0', 'false', 'maybe'])('reads %j as false', (value) => {
    expect(isTruthyFlag(value)).toBe(false);
  });
});

describe('parseHandshakeHeaders', () => {
  it('needs client version, OS name and OS version', () => {
    expect(() => parseHandshakeHeaders({ 'mex-clientversion': 'v' })).toThrow(SandboxHttpError);
  });

  it('keeps the optional details', () => {
    expect(
      parseHandshakeHeaders({
        'mex-clientversion': 'v',
        'mex-osname': 'Windows',
        'mex-osversion': '10',
        'mex-osarchitecture': 'x64',
        'user-agent': 'ua',
      }),
    ).toEqual({ clientVersion: 'v', osName: 'Windows', osVersion: '10', osArchitecture: 'x64', userAgent: 'ua' });
  });
});

describe('hasControlCharacter', () => {
  it.each(['a\tb', '\u0000', 'x\u001f', '\n'])('finds one in %j', (text) => {
    expect(hasControlCharacter(text)).toBe(true);
  });
  it.each(['', 'plain text', ' spaces ', 'caf\u00e9', '\u007f'])('finds none in %j', (text) => {
    expect(hasControlCharacter(text)).toBe(false);
  });
});
