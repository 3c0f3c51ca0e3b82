import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MeshFixture, startNhsSandboxFixture } from '../../support/mesh-fixture';
import { V2, listInbox, meshRequest, sendMessage } from './mesh-http';

let target: MeshFixture;

beforeAll(async () => {
  target = await startNhsSandboxFixture();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  await target.sandbox.reset();
});

const send = (headers: Record<string, string>, body: Buffer | string = 'hello', accept?: string) =>
  meshRequest(target, {
    method: 'POST',
    path: '/messageexchange/X26ABC1/outbox',
    as: 'X26ABC1',
    headers,
    body,
    ...(accept ? { accept } : {}),
  });

const baseHeaders = { 'mex-To': 'X26ABC2', 'mex-WorkflowID': 'TEST_WORKFLOW' };

describe('sending a message', () => {
  it('answers 202 with the new message id (v2) in real MESH id form', async () => {
    const response = await send(baseHeaders);
    expect(response.status).toBe(202);
    expect(response.headers['content-type']).toBe('application/json');
    const { message_id: messageId } = response.json();
    expect(messageId).toMatch(/^\d{20}_[0-9A-F]{6}$/);
    expect(target.sandbox.inbox('X26ABC2')).toEqual([messageId]);
  });

  it('answers with messageID in v1', async () => {
    const response = await send(baseHeaders, 'hello', 'application/json');
    expect(response.status).toBe(202);
    expect(Object.keys(response.json())).toEqual(['messageID']);
  });

  it('upper-cases and trims the recipient', async () => {
    const response = await send({ ...baseHeaders, 'mex-To': ' x26abc2 ' });
    expect(response.status).toBe(202);
    expect(target.sandbox.inbox('X26ABC2')).toHaveLength(1);
  });

  it('refuses an unknown recipient with 417 SEND 12', async () => {
    const response = await send({ ...baseHeaders, 'mex-To': 'NOBODY' });
    expect(response.status).toBe(417);
    expect(response.headers['content-type']).toBe(V2);
    expect(response.json()).toEqual({ detail: [{ event: 'SEND', code: '12', msg: 'Unregistered to address' }] });
  });

  it('gives v1 error bodies to v1 clients', async () => {
    const response = await send({ ...baseHeaders, 'mex-To': 'NOBODY' }, 'x', 'application/vnd.mesh.v1+json');
    expect(response.json()).toEqual({ errorEvent: 'SEND', errorCode: '12', errorDescription: 'Unregistered to address' });
  });

  it('refuses an empty body with 417 COLLECT 02 and keeps nothing', async () => {
    const response = await send(baseHeaders, '');
    expect(response.status).toBe(417);
    expect(response.json().detail[0]).toMatchObject({ event: 'COLLECT', code: '02' });
    expect(target.sandbox.outbox('X26ABC1')).toEqual([]);
  });

  it('refuses an empty chunked-encoding body too', async () => {
    const { Readable } = await import('node:stream');
    const response = await meshRequest(target, {
      method: 'POST',
      path: '/messageexchange/X26ABC1/outbox',
      as: 'X26ABC1',
      headers: baseHeaders,
      body: Readable.from([]),
    });
    expect(response.status).toBe(417);
    expect(response.json().detail[0].code).toBe('02');
  });

  it('lists missing required headers in a 400 validation body', async () => {
    const response = await send({});
    expect(response.status).toBe(400);
    expect(response.json().detail.map((issue: { loc: string[] }) => issue.loc)).toEqual([
      ['header', 'mex-to'],
      ['header', 'mex-workflowid'],
    ]);
  });

  it('refuses an empty mex-To with 400 SEND 08', async () => {
    const response = await send({ ...baseHeaders, 'mex-To': '' });
    expect(response.status).toBe(400);
    expect(response.json().detail[0]).toMatchObject({ event: 'SEND', code: '08' });
  });

  it.each([
    ['mex-To', 101],
    ['mex-WorkflowID', 301],
    ['mex-Subject', 501],
    ['mex-LocalID', 301],
    ['mex-FileName', 301],
    ['mex-Content-Checksum', 101],
  ])('refuses %s longer than its limit', async (header, length) => {
    const response = await send({ ...baseHeaders, [header]: 'A'.repeat(length) });
    expect(response.status).toBe(400);
    expect(response.json().detail[0].type).toBe('value_error.any_str.max_length');
  });

  it('refuses a control character in a header with 400 TRANSFER 06', async () => {
    const response = await send({ ...baseHeaders, 'mex-Subject': 'bad\tsubject' });
    expect(response.status).toBe(400);
    expect(response.json().detail[0]).toEqual({ event: 'TRANSFER', code: '06', msg: 'MalformedControlFile' });
  });

  it('lists the offending fields in the v1 body', async () => {
    const response = await send({ ...baseHeaders, 'mex-LocalID': 'a\tb' }, 'x', 'application/json');
    expect(response.json()).toMatchObject({ errorCode: '06', fields: ['mex_localid'] });
  });

  it.each(['mex-To', 'mex-WorkflowID', 'mex-Content-Checksum'])('refuses a URL in %s', async (header) => {
    const response = await send({ ...baseHeaders, [header]: 'https://evil.example' });
    expect(response.status).toBe(400);
    expect(response.json().detail[0].code).toBe('06');
  });

  it('refuses a checksum with characters outside letters, digits, space and :-/', async () => {
    const response = await send({ ...baseHeaders, 'mex-Content-Checksum': 'md5:abc$' });
    expect(response.status).toBe(400);
    expect(response.json().detail[0].msg).toBe('Invalid checksum');
  });

  it('accepts a checksum like sha256:hex', async () => {
    const response = await send({ ...baseHeaders, 'mex-Content-Checksum': 'sha256:0a1b2c' });
    expect(response.status).toBe(202);
  });

  it('refuses a content encoding other than gzip with 422', async () => {
    const response = await send({ ...baseHeaders, 'Content-Encoding': 'br' });
    expect(response.status).toBe(422);
    expect(response.json().detail[0].code).toBe('UnsupportedContentEncoding');
  });

  it.each(['2:2', '0:1', '1:0', 'a:b', '1-2', '2:1'])('refuses chunk range %s on the first chunk with 417', async (range) => {
    const response = await send({ ...baseHeaders, 'mex-Chunk-Range': range });
    expect(response.status).toBe(417);
    expect(response.json().detail[0].code).toBe('InvalidHeaderChunks');
  });

  it('does not check workflow permissions by default, like the NHS sandbox', async () => {
    const response = await send({ ...baseHeaders, 'mex-WorkflowID': 'NOT_A_WORKFLOW' });
    expect(response.status).toBe(202);
  });
});

describe('workflow permissions when enforced', () => {
  let strict: MeshFixture;
  beforeAll(async () => {
    strict = await startNhsSandboxFixture({ enforceWorkflowPermissions: true });
  });
  afterAll(async () => {
    await strict.close();
  });

  const sendAs = (from: string, to: string, workflow: string) =>
    meshRequest(strict, {
      method: 'POST',
      path: `/messageexchange/${from}/outbox`,
      as: from,
      headers: { 'mex-To': to, 'mex-WorkflowID': workflow },
      body: 'x',
    });

  it('lets a registered sender reach a registered receiver', async () => {
    expect((await sendAs('X26ABC1', 'X26ABC2', 'TEST_WORKFLOW')).status).toBe(202);
  });

  it('refuses an unknown workflow with SEND 17', async () => {
    const response = await sendAs('X26ABC1', 'X26ABC2', 'UNKNOWN');
    expect(response.status).toBe(417);
    expect(response.json().detail[0]).toMatchObject({ event: 'SEND', code: '17' });
  });

  it('refuses a sender not registered for the workflow with SEND 16', async () => {
    const response = await sendAs('X26ABC2', 'X26ABC1', 'TEST_WORKFLOW');
    expect(response.status).toBe(417);
    expect(response.json().detail[0]).toMatchObject({ event: 'SEND', code: '16' });
  });

  it('refuses a recipient not registered for the workflow with SEND 17', async () => {
    const response = await sendAs('X26ABC1', 'X26ABC3', 'TEST_WORKFLOW');
    expect(response.status).toBe(417);
    expect(response.json().detail[0].code).toBe('17');
  });
});

describe('receiving a message', () => {
  it('downloads a single-chunk message with 200 and every mex header', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'payload bytes', {
      'mex-Subject': 'Discharge summary',
      'mex-LocalID': 'local-1',
      'mex-FileName': 'summary.txt',
      'mex-PartnerID': 'partner',
      'mex-Content-Checksum': 'md5:abc',
      'mex-Content-Encrypted': 'Y',
      'mex-Content-Compressed': 'no',
      'mex-Content-Type': 'text/plain',
    });
    const response = await meshRequest(target, {
      path: `/messageexchange/X26ABC2/inbox/${id}`,
      as: 'X26ABC2',
      headers: { 'Accept-Encoding': 'identity' },
    });
    expect(response.status).toBe(200);
    expect(response.text).toBe('payload bytes');
    expect(response.headers).toMatchObject({
      'content-type': 'text/plain',
      'content-length': '13',
      'mex-from': 'X26ABC1',
      'mex-to': 'X26ABC2',
      'mex-workflowid': 'TEST_WORKFLOW',
      'mex-chunk-range': '1:1',
      'mex-total-chunks': '1',
      'mex-addresstype': 'ALL',
      'mex-localid': 'local-1',
      'mex-partnerid': 'partner',
      'mex-filename': 'summary.txt',
      'mex-subject': 'Discharge summary',
      'mex-version': '1.0',
      'mex-messagetype': 'DATA',
      'mex-messageid': id,
      'mex-statuscode': '00',
      'mex-statusevent': 'TRANSFER',
      'mex-statusdescription': 'Transferred to recipient mailbox',
      'mex-statussuccess': 'SUCCESS',
      'mex-content-encrypted': 'Y',
      'mex-content-checksum': 'md5:abc',
      'mex-content-type': 'text/plain',
    });
    expect(response.headers['mex-statustimestamp']).toMatch(/^\d{14}$/);
    expect(response.headers['mex-content-compressed']).toBeUndefined();
    expect(response.headers['last-modified']).toMatch(/UTC$/);
  });

  it('defaults the file name to <id>.dat and the type to octet-stream', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await meshRequest(target, { path: `/messageexchange/X26ABC2/inbox/${id}`, as: 'X26ABC2' });
    expect(response.headers['mex-filename']).toBe(`${id}.dat`);
    expect(response.headers['content-type']).toBe('application/octet-stream');
  });

  it('accepts lower-case message ids in the path', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await meshRequest(target, {
      path: `/messageexchange/x26abc2/inbox/${id.toLowerCase()}`,
      as: 'X26ABC2',
    });
    expect(response.status).toBe(200);
  });

  it('answers 404 RECEIVE 20 for an unknown message', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/X26ABC2/inbox/NOPE', as: 'X26ABC2' });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: [{ event: 'RECEIVE', code: '20', msg: 'Message does not exist' }] });
  });

  it('answers 403 when someone other than the recipient downloads', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await meshRequest(target, { path: `/messageexchange/X26ABC3/inbox/${id}`, as: 'X26ABC3' });
    expect(response.status).toBe(403);
  });

  it('acknowledges (v2 empty 200), removes it from the list, and is idempotent', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const ack = () =>
      meshRequest(target, {
        method: 'PUT',
        path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
        as: 'X26ABC2',
      });
    const first = await ack();
    expect(first.status).toBe(200);
    expect(first.body.length).toBe(0);
    expect(await listInbox(target, 'X26ABC2')).toEqual([]);
    const second = await ack();
    expect(second.status).toBe(200);
    expect(target.sandbox.message(id)!.events.filter((event) => event.status === 'acknowledged')).toHaveLength(1);
  });

  it('acknowledges with {messageId} in v1', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const response = await meshRequest(target, {
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
      as: 'X26ABC2',
      accept: 'application/json',
    });
    expect(response.json()).toEqual({ messageId: id });
  });

  it('refuses to acknowledge an unknown message (404) or someone else’s (403)', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const unknown = await meshRequest(target, {
      method: 'PUT',
      path: '/messageexchange/X26ABC2/inbox/NOPE/status/acknowledged',
      as: 'X26ABC2',
    });
    expect(unknown.status).toBe(404);
    const foreign = await meshRequest(target, {
      method: 'PUT',
      path: `/messageexchange/X26ABC3/inbox/${id}/status/acknowledged`,
      as: 'X26ABC3',
    });
    expect(foreign.status).toBe(403);
  });

  it('still lets the recipient download after acknowledging, as the NHS sandbox does', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'again');
    await meshRequest(target, {
      method: 'PUT',
      path: `/messageexchange/X26ABC2/inbox/${id}/status/acknowledged`,
      as: 'X26ABC2',
    });
    const response = await meshRequest(target, { path: `/messageexchange/X26ABC2/inbox/${id}`, as: 'X26ABC2' });
    expect(response.status).toBe(200);
  });

  it('answers HEAD with chunk 1 headers and no body', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', { 'mex-Subject': 'head' });
    const response = await meshRequest(target, {
      method: 'HEAD',
      path: `/messageexchange/X26ABC2/inbox/${id}`,
      as: 'X26ABC2',
    });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(0);
    expect(response.headers['mex-subject']).toBe('head');
    expect(response.headers['mex-chunk-range']).toBe('1:1');
    // The length chunk 1 would have, so a client can show the size before downloading.
    expect(response.headers['content-length']).toBe('1');
  });

  it('lets the sender HEAD its own message but not a stranger', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const sender = await meshRequest(target, { method: 'HEAD', path: `/messageexchange/X26ABC1/inbox/${id}`, as: 'X26ABC1' });
    expect(sender.status).toBe(200);
    const stranger = await meshRequest(target, { method: 'HEAD', path: `/messageexchange/X26ABC3/inbox/${id}`, as: 'X26ABC3' });
    expect(stranger.status).toBe(404);
  });

  it('counts waiting messages (v2 and v1 bodies)', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'y');
    const v2 = await meshRequest(target, { path: '/messageexchange/X26ABC2/count', as: 'X26ABC2' });
    expect(v2.json()).toEqual({ count: 2 });
    const v1 = await meshRequest(target, { path: '/messageexchange/X26ABC2/count', as: 'X26ABC2', accept: null });
    expect(v1.json()).toMatchObject({ count: 2, allResultsIncluded: true });
    expect(typeof v1.json().internalID).toBe('string');
  });
});

describe('tracking', () => {
  it('tracks a sent message for its sender (v2 fields, nulls left out)', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', { 'mex-LocalID': 'ref-9', 'mex-FileName': 'f.csv' });
    const response = await meshRequest(target, {
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
      as: 'X26ABC1',
    });
    expect(response.status).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      message_id: id,
      local_id: 'ref-9',
      workflow_id: 'TEST_WORKFLOW',
      filename: 'f.csv',
      recipient: 'X26ABC2',
      recipient_name: 'TESTMB2',
      recipient_ods_code: 'X26',
      recipient_org_code: 'X26',
      recipient_org_name: 'NHS England',
      status: 'accepted',
      status_success: true,
    });
    expect(body.upload_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(body.expiry_time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Object.values(body)).not.toContain(null);
  });

  it('gives the camelCase v1 body to v1 clients', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'abc');
    const response = await meshRequest(target, {
      path: `/messageexchange/X26ABC1/outbox/tracking?messageID=${id}`,
      as: 'X26ABC1',
      accept: 'application/json',
    });
    expect(response.json()).toMatchObject({
      messageId: id,
      dtsId: id,
      status: 'Accepted',
      statusSuccess: 'SUCCESS',
      messageType: 'Data',
      fileSize: 3,
      sender: 'X26ABC1',
      recipient: 'X26ABC2',
      version: '1.0',
    });
    expect(response.json().uploadTimestamp).toMatch(/^\d{14}$/);
  });

  it('answers 404 to anyone but the sender and for unknown ids', async () => {
    const id = await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x');
    const recipient = await meshRequest(target, {
      path: `/messageexchange/X26ABC2/outbox/tracking?messageID=${id}`,
      as: 'X26ABC2',
    });
    expect(recipient.status).toBe(404);
    const unknown = await meshRequest(target, {
      path: '/messageexchange/X26ABC1/outbox/tracking?messageID=NOPE',
      as: 'X26ABC1',
    });
    expect(unknown.status).toBe(404);
  });

  it('needs the messageID query', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/X26ABC1/outbox/tracking', as: 'X26ABC1' });
    expect(response.status).toBe(400);
    expect(response.json().detail[0].loc).toEqual(['query', 'messageID']);
  });

  it('tracks by local id (deprecated): one match, none, several', async () => {
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', { 'mex-LocalID': 'once' });
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', { 'mex-LocalID': 'twice' });
    await sendMessage(target, 'X26ABC1', 'X26ABC2', 'x', { 'mex-LocalID': 'twice' });
    const path = (localId: string) => `/messageexchange/X26ABC1/outbox/tracking/${localId}`;
    expect((await meshRequest(target, { path: path('once'), as: 'X26ABC1' })).json().localId).toBe('once');
    expect((await meshRequest(target, { path: path('never'), as: 'X26ABC1' })).status).toBe(404);
    expect((await meshRequest(target, { path: path('twice'), as: 'X26ABC1' })).status).toBe(300);
  });
});

describe('lookups (unauthenticated)', () => {
  it('finds mailboxes by ODS code and workflow (v2)', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/endpointlookup/X26/TEST_WORKFLOW' });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ results: [{ mailbox_id: 'X26ABC2', mailbox_name: 'TESTMB2' }] });
  });

  it('answers an empty list when nothing matches', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/endpointlookup/X27/TEST_WORKFLOW' });
    expect(response.json()).toEqual({ results: [] });
  });

  it('gives the v1 lookup body to v1 clients', async () => {
    const response = await meshRequest(target, {
      path: '/messageexchange/endpointlookup/X27/TEST_WORKFLOW_ACK',
      accept: null,
    });
    expect(response.json().results).toEqual([{ address: 'X26ABC3', description: 'TESTMB3', endpoint_type: 'MESH' }]);
    expect(typeof response.json().query_id).toBe('string');
  });

  it('searches receivers of a workflow', async () => {
    const response = await meshRequest(target, { path: '/messageexchange/workflowsearch/TEST_WORKFLOW2' });
    expect(response.json().results.map((result: { mailbox_id: string }) => result.mailbox_id)).toEqual(['X26ABC1', 'X26ABC2', 'X26ABC3']);
  });
});

describe('routing', () => {
  it('answers unknown paths with FastAPI’s 404', async () => {
    const response = await meshRequest(target, { path: '/nowhere' });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ detail: 'Not Found' });
  });

  it('answers a wrong method with 405', async () => {
    const response = await meshRequest(target, { method: 'DELETE', path: '/messageexchange/X26ABC1/inbox', as: 'X26ABC1' });
    expect(response.status).toBe(405);
  });

  it('answers the update check with an empty 200', async () => {
    const response = await meshRequest(target, { method: 'POST', path: '/messageexchange/X26ABC1/update', as: 'X26ABC1' });
    expect(response.status).toBe(200);
  });
});
