import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../../main/sandbox/index';
import { newMessageId } from '../../../main/sandbox/mailroom';
import { compactTimestamp, downloadHeaders, naiveIsoTimestamp, sandboxHttpDate, trackingV2 } from '../../../main/sandbox/message-views';

describe('timestamps', () => {
  it('formats compact yyyyMMddHHmmss', () => {
    expect(compactTimestamp('2026-06-01T12:21:52.994Z')).toBe('20260601122152');
    expect(compactTimestamp(undefined)).toBe('');
  });
  it('formats naive ISO with microseconds like the sandbox', () => {
    expect(naiveIsoTimestamp('2026-11-30T15:26:57.979Z')).toBe('2026-11-30T15:26:57.979000');
  });
  it('formats HTTP dates with a UTC zone name', () => {
    expect(sandboxHttpDate('2026-01-02T03:04:05Z')).toBe('Fri, 02 Jan 2026 03:04:05 UTC');
  });
});

describe('newMessageId', () => {
  it('looks like a real MESH id and starts with the time', () => {
    const id = newMessageId(new Date('2026-06-01T12:21:52.994Z'));
    expect(id).toMatch(/^20260601122152994\d{3}_[0-9A-F]{6}$/);
  });
});

function message(overrides: Partial<StoredMessage> = {}): StoredMessage {
  return {
    message_id: 'M1',
    message_type: 'DATA',
    workflow_id: 'WF',
    sender: { mailbox_id: 'A', mailbox_name: 'Alpha' },
    recipient: { mailbox_id: 'B', mailbox_name: 'Beta', ods_code: 'X', org_code: 'X' },
    total_chunks: 2,
    chunk_sizes: { '1': 1, '2': 1 },
    file_size: 2,
    metadata: { content_encoding: 'gzip', subject: 'hello\u2028world' },
    events: [{ status: 'accepted', timestamp: '2026-01-02T03:04:05.000Z' }],
    created_timestamp: '2026-01-02T03:04:00.000Z',
    inbox_expiry_timestamp: '2026-01-07T03:04:05.000Z',
    ...overrides,
  };
}

describe('downloadHeaders', () => {
  it('describes chunk k of n and replaces characters a header cannot carry', () => {
    const headers = downloadHeaders(message(), 2);
    expect(headers['mex-Chunk-Range']).toBe('2:2');
    expect(headers['Content-Encoding']).toBe('gzip');
    expect(headers['mex-StatusTimestamp']).toBe('20260102030405');
    expect(headers['mex-Subject']).toBe('hello?world');
  });

  it('leaves out empty values', () => {
    const headers = downloadHeaders(message({ metadata: { content_encoding: '' } }), 1);
    expect(headers).not.toHaveProperty('Content-Encoding');
    expect(headers).not.toHaveProperty('mex-LocalID');
    expect(headers['mex-FileName']).toBe('M1.dat');
  });
});

describe('trackingV2', () => {
  it('reports a failed data message with its code and no success', () => {
    const failed = message({
      events: [
        { status: 'undeliverable', timestamp: '2026-01-07T03:04:05.000Z', event: 'SEND', code: '14', description: 'late' },
        { status: 'accepted', timestamp: '2026-01-02T03:04:05.000Z' },
      ],
    });
    expect(trackingV2(failed)).toMatchObject({
      status: 'undeliverable',
      status_success: false,
      status_code: '14',
      status_event: 'SEND',
      status_description: 'late',
      status_timestamp: '2026-01-07T03:04:05.000000',
    });
  });
});
