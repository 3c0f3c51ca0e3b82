import { describe, expect, it } from 'vitest';
import { parseMessageHeaders } from '../../../main/mesh/headers';
import { factsFromMetadata, inboxExpiry, inboxView, reportFromMetadata, type InboxEntry } from '../../../main/transfers/inbox';

const HOUR = 3_600_000;
const NOW = new Date('2025-03-10T12:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR);

describe('inboxExpiry: five days after delivery, "expiring soon" in the last day', () => {
  it.each([
    [0, false, false],
    [95, false, false],
    [96.5, true, false],
    [119.9, true, false],
    [120, false, true],
    [200, false, true],
  ])('delivered %s hours ago → soon %s, expired %s', (hours, soon, expired) => {
    const result = inboxExpiry(hoursAgo(hours), NOW);
    expect(result.expiresAt).toEqual(new Date(hoursAgo(hours).getTime() + 120 * HOUR));
    expect(result.expiringSoon).toBe(soon);
    expect(result.expired).toBe(expired);
  });
});

function entry(id: string, receivedHoursAgo: number): InboxEntry {
  return {
    facts: { messageId: id, messageType: 'DATA', encrypted: false, compressed: false, chunkCount: 1 },
    receivedAt: hoursAgo(receivedHoursAgo).toISOString(),
    firstSeenAt: NOW.toISOString(),
  };
}

describe('inboxView', () => {
  it('lists oldest first with flags, ties by message id', () => {
    const view = inboxView([entry('C', 1), entry('A', 100), entry('B', 1), entry('D', 130)], NOW);
    expect(view.map((item) => item.facts.messageId)).toEqual(['D', 'A', 'B', 'C']);
    expect(view.map((item) => [item.expiringSoon, item.expired])).toEqual([
      [false, true],
      [true, false],
      [false, false],
      [false, false],
    ]);
    expect(view[1]!.expiresAt).toBe(new Date(hoursAgo(100).getTime() + 120 * HOUR).toISOString());
  });
});

describe('factsFromMetadata and reportFromMetadata', () => {
  it('keeps what the window shows', () => {
    const metadata = parseMessageHeaders({
      'mex-messageid': 'M1',
      'mex-from': 'X26ABC1',
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'WF',
      'mex-subject': 'Results',
      'mex-localid': 'L1',
      'mex-filename': 'r.csv',
      'mex-content-checksum': 'md5:x',
      'mex-chunk-range': '1:3',
      'mex-statustimestamp': '20250301101010',
      'mex-content-encrypted': 'Y',
    });
    expect(factsFromMetadata(metadata, 'M1')).toEqual({
      messageId: 'M1',
      messageType: 'DATA',
      from: 'X26ABC1',
      to: 'X26ABC2',
      workflowId: 'WF',
      subject: 'Results',
      localId: 'L1',
      fileName: 'r.csv',
      checksum: 'md5:x',
      encrypted: true,
      compressed: false,
      chunkCount: 3,
      deliveredAt: '2025-03-01T10:10:10.000Z',
    });
  });

  it('reads a report’s reason and linked message', () => {
    const metadata = parseMessageHeaders({
      'mex-messageid': 'R1',
      'mex-messagetype': 'REPORT',
      'mex-linkedmsgid': 'M9',
      'mex-statuscode': '14',
      'mex-statusevent': 'SEND',
      'mex-statusdescription': 'Message not collected by recipient after 5 days',
      'mex-statussuccess': 'ERROR',
      'mex-chunk-range': '1:0',
    });
    expect(factsFromMetadata(metadata, 'R1').messageType).toBe('REPORT');
    expect(factsFromMetadata(metadata, 'R1').chunkCount).toBe(1);
    expect(reportFromMetadata(metadata)).toEqual({
      linkedMessageId: 'M9',
      code: '14',
      event: 'SEND',
      description: 'Message not collected by recipient after 5 days',
    });
  });
});
