import { describe, expect, it } from 'vitest';
import {
  buildHandshakeHeaders,
  buildSendHeaders,
  headerLabel,
  normaliseRecipient,
  parseChunkRange,
  parseFlag,
  parseMessageHeaders,
  toHeaderText,
  validateSendHeaders,
  type SendMetadata,
} from '../../../main/mesh/headers';

const valid: SendMetadata = { to: 'X26ABC2', workflowId: 'TEST_WORKFLOW' };

function problems(meta: Partial<SendMetadata>) {
  return validateSendHeaders({ ...valid, ...meta });
}

describe('validateSendHeaders', () => {
  it('accepts minimal and full valid metadata', () => {
    expect(validateSendHeaders(valid)).toEqual([]);
    expect(
      problems({
        subject: 'Monthly extract — no, plain dash - fine',
        localId: 'ref-1',
        fileName: 'extract.csv',
        checksum: 'sha256:0a1B/2-3 4',
        partnerId: 'P1',
        contentType: 'text/csv',
        encrypted: true,
        compressed: false,
      }).map((error) => error.detail),
    ).toEqual(['subject: character U+2014']);
  });

  it('requires recipient and workflow', () => {
    const errors = validateSendHeaders({ to: ' ', workflowId: '' });
    expect(errors.map((error) => error.code)).toEqual(['invalid-header', 'invalid-header']);
    expect(errors[0]?.message).toBe('Recipient mailbox ID is missing. Enter the recipient mailbox ID to send this file.');
    expect(errors[1]?.message).toContain('Workflow ID is missing');
  });

  it.each([
    ['to', 100, 'recipient mailbox ID'],
    ['workflowId', 300, 'workflow ID'],
    ['subject', 500, 'subject'],
    ['localId', 300, 'local reference'],
    ['fileName', 300, 'file name'],
    ['checksum', 100, 'checksum'],
    ['partnerId', 500, 'partner ID'],
    ['contentType', 100, 'content type'],
  ] as const)('limits %s to %i characters', (field, max, label) => {
    expect(problems({ [field]: 'a'.repeat(max) })).toEqual([]);
    const [error] = problems({ [field]: 'a'.repeat(max + 1) });
    expect(error?.code).toBe('invalid-header');
    expect(error?.message).toBe(`The ${label} is too long (at most ${max} characters).`);
  });

  it('names control characters in plain words', () => {
    expect(problems({ subject: 'a\tb' })[0]?.message).toBe(
      'The subject contains a tab, which MESH does not allow. Remove it and try again.',
    );
    expect(problems({ localId: 'a\nb' })[0]?.message).toContain('a line break');
    expect(problems({ fileName: 'a\u0000b' })[0]?.message).toContain('invisible control character');
    expect(problems({ subject: 'a\u007fb' })[0]?.message).toContain('invisible control character');
  });

  it('refuses characters a header cannot carry', () => {
    expect(problems({ subject: 'Smith’s results' })[0]?.message).toBe(
      'The subject contains the character “’”, which MESH cannot carry. Use plain letters, numbers and punctuation.',
    );
    expect(problems({ fileName: 'café.csv' })[0]?.code).toBe('invalid-header');
    expect(problems({ subject: 'report 📄' })[0]?.detail).toBe('subject: character U+1F4C4');
  });

  it('refuses web addresses where MESH does', () => {
    expect(problems({ to: 'https://evil.example' })[0]?.message).toBe('The recipient mailbox ID must not be a web address.');
    expect(problems({ workflowId: 'HTTP://x' })[0]?.message).toContain('workflow ID');
    expect(problems({ checksum: 'http://x' })[0]?.message).toContain('checksum');
    expect(problems({ subject: 'https://example.org is our site' })).toEqual([]);
  });

  it('limits the checksum to letters, digits, spaces and : - /', () => {
    expect(problems({ checksum: 'md5:abc' })).toEqual([]);
    expect(problems({ checksum: 'sha256=abc' })[0]?.message).toBe(
      'The checksum may only contain letters, numbers, spaces and the characters : - /.',
    );
    expect(problems({ checksum: 'abc_def' })[0]?.code).toBe('invalid-header');
  });

  it('reports every bad field', () => {
    expect(problems({ subject: 'x'.repeat(501), localId: 'a\tb', checksum: 'a+b' }).map((error) => error.detail?.split(':')[0])).toEqual([
      'subject',
      'localId',
      'checksum',
    ]);
  });
});

describe('normaliseRecipient', () => {
  it('upper-cases plain mailbox ids and trims', () => {
    expect(normaliseRecipient(' x26abc2 ')).toBe('X26ABC2');
  });
  it('leaves other forms alone apart from trimming', () => {
    expect(normaliseRecipient(' 9990001234 DOB 19800101 ')).toBe('9990001234 DOB 19800101');
  });
});

describe('buildSendHeaders', () => {
  it('builds a single-chunk send without a chunk range', () => {
    expect(buildSendHeaders({ ...valid, to: 'x26abc2' }, { k: 1, n: 1 }, false)).toEqual({
      'content-type': 'application/octet-stream',
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'TEST_WORKFLOW',
    });
  });

  it('carries every optional field, flags as Y/N', () => {
    const headers = buildSendHeaders(
      {
        ...valid,
        subject: 'S',
        localId: 'L',
        fileName: 'f.csv',
        checksum: ' md5:1 ',
        partnerId: 'P',
        contentType: 'text/csv',
        encrypted: true,
        compressed: false,
      },
      { k: 1, n: 3 },
      true,
    );
    expect(headers).toEqual({
      'content-type': 'application/octet-stream',
      'content-encoding': 'gzip',
      'mex-chunk-range': '1:3',
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'TEST_WORKFLOW',
      'mex-subject': 'S',
      'mex-localid': 'L',
      'mex-filename': 'f.csv',
      'mex-content-checksum': 'md5:1',
      'mex-partnerid': 'P',
      'mex-content-type': 'text/csv',
      'mex-content-encrypted': 'Y',
      'mex-content-compressed': 'N',
    });
  });

  it('sends only range and encoding on later chunks', () => {
    expect(buildSendHeaders({ ...valid, subject: 'S' }, { k: 2, n: 3 }, true)).toEqual({
      'content-type': 'application/octet-stream',
      'content-encoding': 'gzip',
      'mex-chunk-range': '2:3',
    });
    expect(buildSendHeaders(valid, { k: 3, n: 3 }, false)).toEqual({
      'content-type': 'application/octet-stream',
      'mex-chunk-range': '3:3',
    });
  });

  it('never sends mex-from or mex-messagetype', () => {
    const headers = buildSendHeaders(valid, { k: 1, n: 1 }, false);
    expect(headers['mex-from']).toBeUndefined();
    expect(headers['mex-messagetype']).toBeUndefined();
  });
});

describe('parseChunkRange', () => {
  it.each([
    ['1:1', { k: 1, n: 1 }],
    ['2:5', { k: 2, n: 5 }],
    [' 3 : 3 ', { k: 3, n: 3 }],
    ['1:0', { k: 1, n: 1 }],
  ])('reads %s', (value, expected) => expect(parseChunkRange(value)).toEqual(expected));
  it.each(['0:1', '2:1', '1', '1:', ':1', 'a:b', '1:2:3', '-1:2', '', undefined, '2:0'])('refuses %s', (value) =>
    expect(parseChunkRange(value)).toBeUndefined(),
  );
});

describe('parseFlag', () => {
  it.each(['Y', 'y', 'yes', 'TRUE', 't', 'on', '1', ' Y '])('%s is true', (value) => expect(parseFlag(value)).toBe(true));
  it.each(['N', 'no', 'false', '0', '', 'maybe', undefined])('%s is false', (value) => expect(parseFlag(value)).toBe(false));
});

describe('headerLabel', () => {
  it('gives plain words for known headers in any case or spelling', () => {
    expect(headerLabel('mex-subject')).toBe('subject');
    expect(headerLabel('Mex-LocalID')).toBe('local reference');
    expect(headerLabel('mex_filename')).toBe('file name');
    expect(headerLabel('x-unknown')).toBe('x-unknown');
  });
});

describe('parseMessageHeaders', () => {
  const download = {
    'content-type': 'application/octet-stream',
    'content-length': '1234',
    'content-encoding': 'GZIP',
    'Mex-From': 'X26ABC1',
    'MEX-TO': 'X26ABC2',
    'mex-workflowid': 'TEST_WORKFLOW',
    'mex-chunk-range': '1:3',
    'mex-localid': 'ref',
    'mex-filename': 'f.csv',
    'mex-subject': 'Hello',
    'mex-messagetype': 'DATA',
    'mex-messageid': '20200601122152994285_D59900',
    'mex-partnerid': 'P',
    'mex-content-type': 'text/csv',
    'mex-content-checksum': 'md5:1',
    'mex-content-encrypted': 'Y',
    'mex-content-compressed': 'N',
    'mex-statuscode': '00',
    'mex-statusevent': 'TRANSFER',
    'mex-statusdescription': 'Transferred to recipient mailbox',
    'mex-statussuccess': 'SUCCESS',
    'mex-statustimestamp': '20200601122152',
    etag: 'abc',
  };

  it('reads every field case-insensitively', () => {
    const metadata = parseMessageHeaders(download);
    expect(metadata).toMatchObject({
      messageId: '20200601122152994285_D59900',
      messageType: 'DATA',
      from: 'X26ABC1',
      to: 'X26ABC2',
      workflowId: 'TEST_WORKFLOW',
      subject: 'Hello',
      localId: 'ref',
      fileName: 'f.csv',
      partnerId: 'P',
      contentType: 'text/csv',
      checksum: 'md5:1',
      encrypted: true,
      compressed: false,
      chunk: { k: 1, n: 3 },
      contentLength: 1234,
      contentEncoding: 'gzip',
      status: { code: '00', event: 'TRANSFER', description: 'Transferred to recipient mailbox', success: true },
    });
    expect(metadata.status.timestamp?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
    expect(metadata.raw['mex-from']).toBe('X26ABC1');
    expect(metadata.raw['mex-to']).toBe('X26ABC2');
    expect(metadata.raw.etag).toBeUndefined();
  });

  it('reads a REPORT with its linked message and the sandbox 1:0 range', () => {
    const metadata = parseMessageHeaders({
      'mex-messagetype': 'REPORT',
      'mex-messageid': 'R1',
      'mex-linkedmsgid': 'M1',
      'mex-chunk-range': '1:0',
      'mex-statussuccess': 'ERROR',
      'mex-statuscode': '14',
      'mex-statusevent': 'SEND',
    });
    expect(metadata.messageType).toBe('REPORT');
    expect(metadata.linkedMessageId).toBe('M1');
    expect(metadata.chunk).toEqual({ k: 1, n: 1 });
    expect(metadata.status).toEqual({ code: '14', event: 'SEND', success: false });
  });

  it('falls back to mex-total-chunks, the given id and Content-Type', () => {
    const metadata = parseMessageHeaders({ 'mex-total-chunks': '4', 'content-type': 'application/json' }, 'ABC');
    expect(metadata.chunk).toEqual({ k: 1, n: 4 });
    expect(metadata.messageId).toBe('ABC');
    expect(metadata.contentType).toBe('application/json');
    expect(metadata.messageType).toBe('DATA');
    expect(metadata.encrypted).toBe(false);
  });

  it('accepts array values and a Headers object', () => {
    expect(parseMessageHeaders({ 'mex-subject': ['a', 'b'] }).subject).toBe('a, b');
    const headers = new Headers({ 'Mex-MessageType': 'report', 'Mex-Chunk-Range': '2:2' });
    const metadata = parseMessageHeaders(headers, 'X');
    expect(metadata.messageType).toBe('REPORT');
    expect(metadata.chunk).toEqual({ k: 2, n: 2 });
  });

  it('ignores an unreadable content length and status timestamp', () => {
    const metadata = parseMessageHeaders({ 'content-length': 'lots', 'mex-statustimestamp': 'today' });
    expect(metadata.contentLength).toBeUndefined();
    expect(metadata.status.timestamp).toBeUndefined();
  });
});

describe('buildHandshakeHeaders', () => {
  it('reports MESH-Desktop==version and OS facts, Windows by its plain name', () => {
    expect(
      buildHandshakeHeaders('1.2.3', { type: 'Windows_NT', release: '10.0.19045', version: 'Windows 10 Enterprise', machine: 'x86_64' }),
    ).toEqual({
      'mex-clientversion': 'MESH-Desktop==1.2.3',
      'mex-osname': 'Windows',
      'mex-osversion': '10.0.19045 Windows 10 Enterprise',
      'mex-osarchitecture': 'x86_64',
      'mex-javaversion': 'N/A',
    });
  });
  it('keeps header values printable and short', () => {
    const headers = buildHandshakeHeaders('1', {
      type: 'Linux',
      release: '6.1',
      version: '#1 SMP\tPREEMPT ü' + 'x'.repeat(200),
      machine: '',
    });
    expect(headers['mex-osversion']).toMatch(/^[\x20-\x7e]{1,100}$/);
    expect(headers['mex-osarchitecture']).toBe('unknown');
  });
});

describe('toHeaderText', () => {
  it('collapses unprintable runs to single spaces', () => {
    expect(toHeaderText(' a\t\tb\nc é ')).toBe('a b c');
    expect(toHeaderText('abcdef', 3)).toBe('abc');
  });
});
