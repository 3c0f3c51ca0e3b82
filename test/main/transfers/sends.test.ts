import { describe, expect, it } from 'vitest';
import { withoutRecordedTwice } from '../../../main/transfers/mailbox-activity';
import type { SentRecord } from '../../../main/transfers/mailbox-store';

function send(transferId: string, extra: Partial<SentRecord> = {}): SentRecord {
  return {
    transferId,
    profileId: 'X26ABC1',
    localId: `MD-${transferId}`,
    appLocalId: `MD-${transferId}`,
    to: 'X26ABC2',
    workflowId: 'TEST_WORKFLOW',
    fileName: `${transferId}.txt`,
    filePath: `/files/${transferId}.txt`,
    size: 1,
    queuedAt: '2026-12-04T10:00:00.000Z',
    ...extra,
  };
}

describe('the sends of a mailbox', () => {
  it('lists a send that has just finished once, as its history record, while its transfer has not yet said "done"', () => {
    const finished = send('b', { messageId: 'MSG-B', sentAt: '2026-12-04T10:00:02.000Z' });
    const list = withoutRecordedTwice([send('a', { messageId: 'MSG-A' }), finished], [send('b'), send('c')]);
    expect(list.map((record) => record.transferId)).toEqual(['a', 'b', 'c']);
    expect(list[1]).toBe(finished);
  });

  it('keeps every send when none is in both lists', () => {
    expect(withoutRecordedTwice([], [send('a'), send('b')]).map((record) => record.transferId)).toEqual(['a', 'b']);
    expect(withoutRecordedTwice([send('a')], []).map((record) => record.transferId)).toEqual(['a']);
  });
});
