import { describe, expect, it } from 'vitest';
import { parseInboxCount, parseInboxPage, parseMailboxMatches, parseSendResult, parseTracking } from '../../../main/mesh/responses';

describe('parseInboxPage', () => {
  it('reads a v2 page with next link and count', () => {
    expect(
      parseInboxPage(
        JSON.stringify({
          messages: ['A', 'B'],
          links: { self: '/messageexchange/MB/inbox', next: '/messageexchange/MB/inbox?continue_from=x' },
          approx_inbox_count: 25,
        }),
      ),
    ).toEqual({ messageIds: ['A', 'B'], next: '/messageexchange/MB/inbox?continue_from=x', approxInboxCount: 25 });
  });
  it('reads a last page and a v1 body', () => {
    expect(parseInboxPage('{"messages":[],"links":{"self":"/x"},"approx_inbox_count":0}')).toEqual({ messageIds: [], approxInboxCount: 0 });
    expect(parseInboxPage('{"messages":["A"]}')).toEqual({ messageIds: ['A'] });
  });
  it.each(['', 'null', '{}', '{"messages":"A"}', '{"messages":[1]}', '<html/>'])('refuses %s', (body) =>
    expect(parseInboxPage(body)).toBeUndefined(),
  );
});

describe('parseInboxCount', () => {
  it('reads v1 and v2 counts', () => {
    expect(parseInboxCount('{"count":3}')).toBe(3);
    expect(parseInboxCount('{"count":0,"internalID":"x","allResultsIncluded":true}')).toBe(0);
  });
  it('refuses nonsense', () => {
    expect(parseInboxCount('{"count":-1}')).toBeUndefined();
    expect(parseInboxCount('{"count":"3"}')).toBeUndefined();
    expect(parseInboxCount('')).toBeUndefined();
  });
});

describe('parseSendResult', () => {
  it('reads v2 and v1 ids', () => {
    expect(parseSendResult('{"message_id":"ABC"}')).toBe('ABC');
    expect(parseSendResult('{"messageID":"DEF"}')).toBe('DEF');
  });
  it('refuses null (the sandbox chunk answer) and empty ids', () => {
    expect(parseSendResult('null')).toBeUndefined();
    expect(parseSendResult('{"message_id":""}')).toBeUndefined();
    expect(parseSendResult('')).toBeUndefined();
  });
});

describe('parseMailboxMatches', () => {
  it('reads v2 results', () => {
    expect(parseMailboxMatches('{"results":[{"mailbox_id":"X26ABC1","mailbox_name":"TESTMB1"}]}')).toEqual([
      { mailboxId: 'X26ABC1', mailboxName: 'TESTMB1' },
    ]);
  });
  it('reads v1 results and missing names', () => {
    expect(
      parseMailboxMatches(
        '{"query_id":"q","results":[{"address":"X26ABC2","description":"TESTMB2","endpoint_type":"MESH"},{"mailbox_id":"X","mailbox_name":null}]}',
      ),
    ).toEqual([
      { mailboxId: 'X26ABC2', mailboxName: 'TESTMB2' },
      { mailboxId: 'X', mailboxName: '' },
    ]);
  });
  it('reads an empty list and refuses garbage', () => {
    expect(parseMailboxMatches('{"results":[]}')).toEqual([]);
    expect(parseMailboxMatches('{"results":[{"x":1}]}')).toBeUndefined();
    expect(parseMailboxMatches('[]')).toBeUndefined();
  });
});

describe('parseTracking', () => {
  it('reads the spec example with compact and ISO timestamps', () => {
    const tracking = parseTracking(
      JSON.stringify({
        message_id: '20200601122152994285_D59900',
        local_id: 'api-docs-bob-sends-alice-a-chunked-file',
        workflow_id: 'API-DOCS-TEST',
        filename: 'message.txt.gz',
        expiry_time: '20200606122153',
        upload_timestamp: '20200601122152',
        recipient: 'X26HC005',
        recipient_name: 'APIM bebop',
        recipient_ods_code: 'X26',
        recipient_org_code: 'X26',
        recipient_org_name: 'NHS England',
        status_success: true,
        status: 'accepted',
        status_event: 'TRANSFER',
        status_timestamp: '2020-06-01T12:21:52',
        status_description: 'Transferred to recipient mailbox',
        status_code: '00',
      }),
    );
    expect(tracking).toMatchObject({
      messageId: '20200601122152994285_D59900',
      localId: 'api-docs-bob-sends-alice-a-chunked-file',
      workflowId: 'API-DOCS-TEST',
      fileName: 'message.txt.gz',
      recipient: { mailboxId: 'X26HC005', name: 'APIM bebop', odsCode: 'X26', orgCode: 'X26', orgName: 'NHS England' },
      status: 'accepted',
      statusSuccess: true,
      statusEvent: 'TRANSFER',
      statusCode: '00',
      statusDescription: 'Transferred to recipient mailbox',
    });
    expect(tracking?.expiryTime?.toISOString()).toBe('2020-06-06T12:21:53.000Z');
    expect(tracking?.uploadTimestamp?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
    expect(tracking?.statusTimestamp?.toISOString()).toBe('2020-06-01T12:21:52.000Z');
  });
  it('reads sandbox ISO timestamps with microseconds and omits absent fields', () => {
    const tracking = parseTracking('{"message_id":"M","status":"uploading","upload_timestamp":"2026-11-30T15:26:57.979321"}');
    expect(tracking?.uploadTimestamp?.toISOString()).toBe('2026-11-30T15:26:57.979Z');
    expect(tracking).not.toHaveProperty('localId');
    expect(tracking?.recipient).toEqual({});
  });
  it('reads v1 camelCase tracking', () => {
    const tracking = parseTracking(
      '{"messageId":"M","status":"Acknowledged","statusSuccess":"SUCCESS","recipientName":"B","expiryTime":"20200606122153"}',
    );
    expect(tracking).toMatchObject({ messageId: 'M', status: 'acknowledged', statusSuccess: true, recipient: { name: 'B' } });
    expect(tracking?.expiryTime?.toISOString()).toBe('2020-06-06T12:21:53.000Z');
    expect(parseTracking('{"messageId":"M","statusSuccess":"ERROR"}')?.statusSuccess).toBe(false);
  });
  it('refuses bodies without a message id', () => {
    expect(parseTracking('{}')).toBeUndefined();
    expect(parseTracking('[]')).toBeUndefined();
    expect(parseTracking('oops')).toBeUndefined();
  });
});
